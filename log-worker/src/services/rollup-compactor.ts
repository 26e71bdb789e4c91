import type { Logger } from 'pino';
import { NO_MUTEX, PeriodicTask, type Mutex } from '@logstream/runtime';
import { compactHour, dayOf, hourRollupId, oldestRollupHour, type Models } from '@logstream/storage';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Hours marked late (stale) that one pass compacts again, oldest marks first served by the next passes. */
const STALE_HOURS_PER_PASS = 6;

/** Settings of the {@link RollupCompactor}. */
export interface RollupCompactorOptions {
  /** Time between two passes. */
  intervalMs: number;
  /** How far back the pass that takes in late logs walks, in hours, before it starts again at the newest. */
  revisitHours: number;
  /** An hour is compacted again once this long after its end, to take in logs that arrived late. */
  settleMs: number;
  /**
   * Taken around each hour's compaction when the database does not update a document atomically (FerretDB): the
   * workers' late marks on the same hour documents then never interleave with a compaction's write.
   */
  rollupMutex?: Mutex;
}

/**
 * Keeps `rollups_hour` (the compacted counts searches, histograms and totals read) in step with the minute rollups.
 * Each pass compacts the current hour up to the current minute, the last hour once it is over (and once more after
 * `settleMs`), and one older hour from a pointer that walks back `revisitHours` and starts again, so late logs
 * (replays, producers' own timestamps) reach the hour counts too. Hours a worker marked late (`stale`) are compacted
 * again at the next pass, a few per pass. A pass reads a bounded number of hours of minute rollups: its cost does not
 * grow with the size of the store. Compacting is idempotent (exact sums with `$set`), so several workers may run it at once.
 */
export class RollupCompactor {
  private readonly task: PeriodicTask;
  private revisitOffset = 1;
  private firstPass = true;

  constructor(
    private readonly models: Models,
    private readonly options: RollupCompactorOptions,
    private readonly logger: Logger,
  ) {
    this.task = new PeriodicTask(
      () => this.pass(new Date()),
      options.intervalMs,
      (error) => logger.warn({ err: error }, 'rollup compaction failed'),
    );
  }

  start(): void {
    this.task.start();
  }

  stop(): Promise<void> {
    return this.task.stop();
  }

  /** Compacts one hour (holding `rollupMutex`, when there is one). */
  private compact(hourMs: number, now: Date): Promise<number> {
    return (this.options.rollupMutex ?? NO_MUTEX).run(() => compactHour(this.models, hourMs, now));
  }

  /** One pass at `now`: the current hour, the last finished hour when due, and one older hour. */
  async pass(now: Date): Promise<void> {
    const currentHour = Math.floor(now.getTime() / HOUR) * HOUR;
    const lastHour = currentHour - HOUR;
    await this.compact(currentHour, now);
    const stale = await this.models.RollupHour.find({ stale: true, kind: 'totals' }, { _id: 0, hour: 1 })
      .limit(STALE_HOURS_PER_PASS + 1)
      .lean<{ hour: Date }[]>();
    for (const { hour } of stale) {
      const at = new Date(hour).getTime();
      if (at !== currentHour) await this.compact(at, now);
    }
    const last = await this.models.RollupHour.findById(hourRollupId(new Date(lastHour), 'totals'), {
      upTo: 1,
      compactedAt: 1,
    }).lean<{ upTo: Date; compactedAt: Date }>();
    const settled = currentHour + this.options.settleMs;
    const due =
      !last ||
      new Date(last.upTo).getTime() < currentHour ||
      (new Date(last.compactedAt).getTime() < settled && now.getTime() >= settled);
    if (due) await this.compact(lastHour, now);
    if (this.firstPass) {
      this.firstPass = false;
      await this.compactHoursWithoutDocuments(currentHour, now);
    }
    await this.compact(lastHour - this.revisitOffset * HOUR, now);
    this.revisitOffset = this.revisitOffset >= this.options.revisitHours ? 1 : this.revisitOffset + 1;
  }

  /**
   * Compacts every past hour of the store that has no `rollups_hour` documents (a store written by a version without
   * the compactor, or hours the worker was down for), empty hours included: readers count a whole hour without
   * documents as holding no logs. One scan for the oldest minute rollup, then one lookup per day; run once per start.
   */
  private async compactHoursWithoutDocuments(currentHour: number, now: Date): Promise<void> {
    const oldest = await oldestRollupHour(this.models);
    if (!oldest) return;
    const first = oldest.getTime();
    let compacted = 0;
    for (let day = dayOf(new Date(first)).getTime(); day < currentHour; day += DAY) {
      const docs = await this.models.RollupHour.find(
        { day: new Date(day), kind: 'totals' },
        { _id: 0, hour: 1 },
      ).lean<{ hour: Date }[]>();
      const present = new Set(docs.map((doc) => new Date(doc.hour).getTime()));
      for (let hour = Math.max(day, first); hour < Math.min(day + DAY, currentHour); hour += HOUR) {
        if (present.has(hour)) continue;
        await this.compact(hour, now);
        compacted += 1;
      }
    }
    if (compacted > 0) this.logger.info({ hours: compacted }, 'compacted the hours that had no hour rollups');
  }
}
