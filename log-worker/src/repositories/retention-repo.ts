import type { FilterQuery, Model } from 'mongoose';
import { oldestRollupHour, RETENTION_STATUS_ID, type Models } from '@logstream/storage';

/** One minute bucket of one service, as the minute rollups count it. */
export interface MinuteCount {
  minute: Date;
  service: string;
  count: number;
}

/** Name of the TTL index on `logs.ts` (MongoDB only). */
export const TTL_INDEX = 'retention_ttl';

/** Bounds of one delete pass. */
export interface BatchLimits {
  batchSize: number;
  pauseMs: number;
  maxBatches: number;
  signal?: AbortSignal;
}

/** MongoDB access of the retention sweeper. */
export class RetentionRepo {
  constructor(private readonly models: Models) {}

  /** Per-service overrides, `service → days`. */
  async overrides(): Promise<Map<string, number>> {
    const docs = await this.models.RetentionOverride.find({}, { days: 1 }).lean();
    return new Map(docs.map((doc) => [String(doc._id), doc.days]));
  }

  /**
   * Keeps a TTL index on `logs.ts` expiring after `days` (the longest retention, so it never removes a log a
   * shorter-lived service's sweep would keep longer). Returns false when the server refuses TTL indexes (FerretDB
   * answers createIndexes with NotImplemented), in which case the sweeper alone enforces retention.
   */
  async ensureTtlIndex(days: number): Promise<boolean> {
    const seconds = days * 24 * 60 * 60;
    const collection = this.models.Log.collection;
    try {
      const existing = (await collection.indexes()).find((index) => index.name === TTL_INDEX);
      if (!existing) {
        await collection.createIndex({ ts: 1 }, { name: TTL_INDEX, expireAfterSeconds: seconds });
      } else if (existing.expireAfterSeconds !== seconds) {
        await this.models.Log.db.db?.command({
          collMod: collection.collectionName,
          index: { name: TTL_INDEX, expireAfterSeconds: seconds },
        });
      }
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Deletes the documents matching `filter` in batches of at most `batchSize` ids (found, then deleted by `_id`),
   * pausing between batches so that the writes of ingest interleave; stops after `maxBatches`. Returns the count.
   */
  async deleteInBatches<T>(model: Model<T>, filter: FilterQuery<T>, limits: BatchLimits): Promise<number> {
    let deleted = 0;
    for (let batch = 0; batch < limits.maxBatches && !limits.signal?.aborted; batch++) {
      const ids = (await model.find(filter, { _id: 1 }).limit(limits.batchSize).lean()).map((doc) => doc._id);
      if (ids.length === 0) break;
      const result = await model.deleteMany({ _id: { $in: ids } } as FilterQuery<T>);
      deleted += result.deletedCount;
      if (ids.length < limits.batchSize) break;
      await new Promise((resolve) => setTimeout(resolve, limits.pauseMs));
    }
    return deleted;
  }

  /**
   * What an hour holds, per minute and service, read from the minute rollups by one equality lookup on `hour` (rollups
   * equal what is stored, so every stored log is counted in one of them). Levels are summed.
   */
  async minutesOfHour(hour: Date): Promise<MinuteCount[]> {
    const rows = await this.models.Rollup.find({ hour }, { _id: 0, minute: 1, service: 1, count: 1 }).lean();
    const byKey = new Map<string, MinuteCount>();
    for (const row of rows) {
      const key = `${row.minute.getTime()}|${row.service}`;
      const entry = byKey.get(key) ?? { minute: row.minute, service: row.service, count: 0 };
      entry.count += row.count;
      byKey.set(key, entry);
    }
    return [...byKey.values()];
  }

  /** The hour of the oldest minute rollup (where a walk over stored hours starts). A scan on FerretDB: call rarely. */
  oldestRollupHour(): Promise<Date | undefined> {
    return oldestRollupHour(this.models);
  }

  /**
   * Deletes the logs of one service in one hour or one minute (`ts` bound for the hour or minute the cutoff falls in).
   * Equality on `hour`/`minute` and `service` is what every MongoDB-wire backend serves from an index.
   */
  async deleteLogs(filter: { service: string; hour?: Date; minute?: Date; before?: Date }): Promise<number> {
    const query: Record<string, unknown> = { service: filter.service };
    if (filter.hour) query.hour = filter.hour;
    if (filter.minute) query.minute = filter.minute;
    if (filter.before) query.ts = { $lt: filter.before };
    return (await this.models.Log.deleteMany(query)).deletedCount;
  }

  /** Deletes an hour's minute rollups and its compacted hour rollups. */
  async deleteRollupsOfHour(hour: Date): Promise<number> {
    const minutes = await this.models.Rollup.deleteMany({ hour });
    await this.models.RollupHour.deleteMany({ hour });
    return minutes.deletedCount;
  }

  /** Whether any log lacks the `hour` field (stored by a version before it existed). A scan on FerretDB. */
  async hasLogsWithoutHour(): Promise<boolean> {
    return (await this.models.Log.exists({ hour: { $exists: false } })) !== null;
  }

  /** The sweeper's status document (walk start, legacy logs), if any. */
  async status() {
    return this.models.RetentionStatus.findById(RETENTION_STATUS_ID).lean();
  }

  /** Records the worker's retention settings (at start) or a finished sweep, for the dashboard. */
  async writeStatus(status: Record<string, unknown>): Promise<void> {
    const write = () =>
      this.models.RetentionStatus.updateOne({ _id: RETENTION_STATUS_ID }, { $set: status }, { upsert: true });
    try {
      await write();
    } catch (error) {
      // Workers starting together both upsert the one status document; the loser's insert meets the winner's (11000)
      // and its second try finds the document and updates it.
      if ((error as { code?: number }).code !== 11000) throw error;
      await write();
    }
  }
}
