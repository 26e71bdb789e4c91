import type { FilterQuery, Model } from 'mongoose';
import { RETENTION_STATUS_ID, type Models } from '@logstream/storage';

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

  /** Records the worker's retention settings (at start) or a finished sweep, for the dashboard. */
  async writeStatus(status: Record<string, unknown>): Promise<void> {
    await this.models.RetentionStatus.updateOne(
      { _id: RETENTION_STATUS_ID },
      { $set: status },
      { upsert: true },
    );
  }
}
