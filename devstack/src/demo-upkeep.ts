import type { Connection } from 'mongoose';
import {
  backfillWords,
  connectMongo,
  createModels,
  dayOf,
  ensureIndexes,
  hourOf,
  hourRollupId,
  wordsBackfillDone,
  type Models,
} from '@logstream/storage';
import { tuneFerretdbTables } from './postgres';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** How far back the first sweep looks for demo data to delete. */
const FIRST_SWEEP_DAYS = 14;

/**
 * Keeps `npm start`'s demo store fast run after run: deletes demo data older than `retentionHours` (whole hours, found
 * through the compacted hour rollups: logs by their `hour`, minute rollups by `hour`, hour documents by `_id`),
 * and, on FerretDB over PostgreSQL, adds the GIN indexes its pushdown needs to tables created since the last look.
 * Demo data kept from a version before the searchable `words` field gets it once, in the background.
 */
export class DemoUpkeep {
  private connection: Connection | undefined;
  private models: Models | undefined;
  private timers: NodeJS.Timeout[] = [];
  private sweptBefore = 0;
  private busy: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly mongoUrl: string,
    private readonly postgresUrl: string | undefined,
    private readonly retentionHours: number,
    private readonly say: (line: string) => void,
  ) {}

  async start(): Promise<void> {
    this.connection = await connectMongo(this.mongoUrl, { maxPoolSize: 2 });
    this.models = createModels(this.connection);
    // The collections and their indexes exist before anything is written, so the tuning below covers them at once.
    await ensureIndexes(this.models);
    await this.tune();
    await this.sweep(new Date());
    this.serial(() => this.backfill());
    this.timers.push(setInterval(() => this.serial(() => this.tune()), 60_000));
    this.timers.push(setInterval(() => this.serial(() => this.sweep(new Date())), 5 * 60_000));
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    await this.busy;
    await this.connection?.close();
  }

  private serial(task: () => Promise<unknown>): void {
    this.busy = this.busy
      .then(task)
      .catch((error: unknown) => this.say(`demo upkeep: ${(error as Error).message}`));
  }

  private async tune(): Promise<void> {
    if (!this.postgresUrl) return;
    const created = await tuneFerretdbTables(this.postgresUrl);
    if (created.length > 0)
      this.say(`PostgreSQL: ${created.length} GIN index(es) added for FerretDB's lookups`);
  }

  /** Gives kept demo logs stored without `words` that field (once per database; a fresh one only writes the marker). */
  private async backfill(): Promise<void> {
    const models = this.models;
    if (!models || (await wordsBackfillDone(models))) return;
    let said = 0;
    const result = await backfillWords(models, (progress) => {
      if (progress.updated === 0 || progress.hoursDone - said < 24) return;
      said = progress.hoursDone;
      this.say(`text search: adding words to kept logs, ${progress.hoursDone}/${progress.hours} hours…`);
    });
    if (result.updated > 0) this.say(`text search: ${result.updated} kept logs made searchable`);
  }

  /** Deletes every whole hour of demo data before `now - retentionHours`. */
  async sweep(now: Date): Promise<void> {
    const models = this.models;
    if (!models) return;
    const cutoff = hourOf(new Date(now.getTime() - this.retentionHours * HOUR)).getTime();
    const start = this.sweptBefore || dayOf(new Date(cutoff - FIRST_SWEEP_DAYS * DAY)).getTime();
    // The hours that hold data are the ones the worker's compactor summed: found one day at a time.
    const hours = new Set<number>();
    for (let day = dayOf(new Date(start)).getTime(); day < cutoff; day += DAY) {
      const docs = await models.RollupHour.find({ day: new Date(day), kind: 'totals' }, { hour: 1 }).lean<
        { hour: Date }[]
      >();
      for (const doc of docs) {
        const hourMs = new Date(doc.hour).getTime();
        if (hourMs >= start && hourMs < cutoff) hours.add(hourMs);
      }
    }
    let deleted = 0;
    for (const hourMs of hours) {
      const hour = new Date(hourMs);
      deleted += (await models.Log.deleteMany({ hour })).deletedCount;
      await models.Rollup.deleteMany({ hour });
      await models.RollupHour.deleteMany({ _id: hourRollupId(hour, 'totals') });
      await models.RollupHour.deleteMany({ _id: hourRollupId(hour, 'minutes') });
    }
    this.sweptBefore = Math.max(this.sweptBefore, cutoff);
    if (deleted > 0) this.say(`demo retention: deleted ${deleted} logs older than ${this.retentionHours} h`);
  }
}
