import type { Logger } from 'pino';
import { compactHour, hourRollupId, type Models } from '@logstream/storage';

const HOUR = 3_600_000;

/** Settings of the {@link RollupCompactor}. */
export interface RollupCompactorOptions {
  /** Time between two passes. */
  intervalMs: number;
  /** How far back the pass that takes in late logs walks, in hours, before it starts again at the newest. */
  revisitHours: number;
  /** An hour is compacted again once this long after its end, to take in logs that arrived late. */
  settleMs: number;
}

/**
 * Keeps `rollups_hour` (the compacted counts searches, histograms and totals read) in step with the minute rollups.
 * Each pass compacts the current hour up to the current minute, the last hour once it is over (and once more after
 * `settleMs`), and one older hour from a pointer that walks back `revisitHours` and starts again, so late logs
 * (replays, producers' own timestamps) reach the hour counts too. A pass reads at most three hours of minute rollups:
 * its cost does not grow with the size of the store. Compacting is idempotent (exact sums with `$set`), so several workers may run it at once.
 */
export class RollupCompactor {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private revisitOffset = 1;
  private firstPass = true;

  constructor(
    private readonly models: Models,
    private readonly options: RollupCompactorOptions,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.pass(new Date())
        .catch((error: unknown) => this.logger.warn({ err: error }, 'rollup compaction failed'))
        .finally(() => (this.running = undefined));
    }, this.options.intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass at `now`: the current hour, the last finished hour when due, and one older hour. */
  async pass(now: Date): Promise<void> {
    const currentHour = Math.floor(now.getTime() / HOUR) * HOUR;
    const lastHour = currentHour - HOUR;
    await compactHour(this.models, currentHour, now);
    const last = await this.models.RollupHour.findById(hourRollupId(new Date(lastHour), 'totals'), {
      upTo: 1,
      compactedAt: 1,
    }).lean<{ upTo: Date; compactedAt: Date }>();
    const settled = currentHour + this.options.settleMs;
    const due =
      !last ||
      new Date(last.upTo).getTime() < currentHour ||
      (new Date(last.compactedAt).getTime() < settled && now.getTime() >= settled);
    if (due) await compactHour(this.models, lastHour, now);
    // The first pass covers the whole last day, so that a fresh store (or one after a pause) has every recent hour
    // compacted, empty ones included, from the start: readers then need one lookup per day for them.
    const older = this.firstPass ? Math.min(24, this.options.revisitHours) : 1;
    this.firstPass = false;
    for (let i = 0; i < older; i++) {
      await compactHour(this.models, lastHour - this.revisitOffset * HOUR, now);
      this.revisitOffset = this.revisitOffset >= this.options.revisitHours ? 1 : this.revisitOffset + 1;
    }
  }
}
