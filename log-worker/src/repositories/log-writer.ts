import { mongo, type AnyBulkWriteOperation } from 'mongoose';
import { conflictLogId, type JobLog } from '@logstream/shared-types';
import {
  logDocument,
  markLateMinutes,
  rollupBucketFields,
  rollupId,
  type LogDocument,
  type Models,
  type RollupDoc,
} from '@logstream/storage';

/** A log taken from a job, with the job-level fields the document needs. */
export interface PendingLog {
  log: JobLog;
  batchId: string;
  receivedAt: Date;
}

/** What one flush did. */
export interface WriteResult {
  /** Logs stored by this flush. */
  inserted: JobLog[];
  /** Logs that were already stored (re-delivery or a resent seq). */
  duplicates: JobLog[];
  /** Logs whose seq was already stored with other content: stored beside it under a conflict id, never dropped. */
  conflicts: JobLog[];
  /** Earlier flushes whose rollup increments this flush completed. */
  recoveredFlushes: number;
}

const DUPLICATE_KEY = 11000;

type BucketCount = { minute: Date; service: string; level: string; n: number };
type StoredCopy = { flushRef: string; fp: string | undefined };
type FlushIncrements = { buckets: BucketCount[]; writerId: string; flush: number };

function toDocument(pending: PendingLog, flushRef: string, storedAt: Date): LogDocument {
  return logDocument(pending.log, {
    receivedAt: pending.receivedAt,
    storedAt,
    batchId: pending.batchId,
    flushRef,
  });
}

/** Indexes of the items an unordered insert refused as duplicates; rethrows any other failure. */
function duplicateIndexes(error: unknown): Set<number> {
  // The driver's class as mongoose loads it: another copy of `mongodb` would fail instanceof.
  if (!(error instanceof mongo.MongoBulkWriteError)) throw error;
  const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
  if (writeErrors.length === 0 || writeErrors.some((w) => w.code !== DUPLICATE_KEY)) throw error;
  return new Set(writeErrors.map((w) => w.index));
}

function countByBucket(docs: Pick<LogDocument, 'minute' | 'service' | 'level'>[]): BucketCount[] {
  const buckets = new Map<string, BucketCount>();
  for (const doc of docs) {
    const id = rollupId(doc.minute, doc.service, doc.level);
    const bucket = buckets.get(id) ?? { minute: doc.minute, service: doc.service, level: doc.level, n: 0 };
    bucket.n += 1;
    buckets.set(id, bucket);
  }
  return [...buckets.values()];
}

/**
 * Stores batches of logs idempotently and keeps the per-minute rollups equal to what is stored.
 *
 * A flush is identified by `writer:flush`, where each writer (one per flush lane) numbers its flushes 1, 2, 3 … and
 * runs them one after another. Every stored log remembers the flush that stored it (`flushRef`), and every rollup
 * bucket remembers, per writer, the last flush whose increment it received (`hw`). An increment is applied only when
 * the bucket's mark for that writer is lower, in the same single-document update. So when a crash falls between the
 * insert and the increment, the re-delivered logs come back as duplicates, point at the interrupted flush, and its
 * increment is applied exactly once — by whichever worker sees them first.
 */
export class LogWriter {
  /** Highest flush number per writer of this process whose increments are known to be applied. */
  private readonly applied = new Map<string, number>();
  /**
   * Rollup writes of this process run one at a time. MongoDB's `$inc` is atomic, but FerretDB v1 applies updates as
   * read-modify-write without isolation (200 concurrent `$inc` of one document were measured to end at 15), so
   * concurrent lanes would lose increments there. The rollup write is small next to the insert it follows.
   */
  private rollupChain: Promise<unknown> = Promise.resolve();
  /** Flushes completed since the last journal clean-up. */
  private readonly completedFlushes: string[] = [];
  /** Rollup buckets known to exist, so that only new minutes pay for an upsert. */
  private readonly knownBuckets = new Set<string>();
  /** Flushes whose increments wait for the next rollup write (see incrementTogether). */
  private pendingIncrements: (FlushIncrements & { resolve: () => void; reject: (error: unknown) => void })[] =
    [];

  constructor(private readonly models: Models) {}

  /** Writes one batch as `writerId`'s flush number `flush`. Throws on anything but duplicate keys. */
  async write(batch: PendingLog[], writerId: string, flush: number): Promise<WriteResult> {
    const flushRef = `${writerId}:${flush}`;
    const storedAt = new Date();
    const docs = batch.map((pending) => toDocument(pending, flushRef, storedAt));
    await this.models.FlushJournal.collection.insertOne({
      _id: flushRef,
      ids: docs.map((doc) => doc._id),
      at: storedAt,
    } as never);
    const duplicates = await this.insertIgnoringDuplicates(docs);

    // A duplicate key is a retry, unless the stored copy has another fingerprint: then the seq was reused for other
    // content, and this log is stored beside it rather than dropped.
    const stored =
      duplicates.size > 0 ? await this.storedCopies(docs.filter((_, i) => duplicates.has(i))) : new Map();
    const conflicting = new Set<number>();
    for (const index of duplicates) {
      const doc = docs[index] as LogDocument;
      const copy = stored.get(doc._id);
      if (doc.fp !== undefined && copy?.fp !== undefined && copy.fp !== doc.fp) conflicting.add(index);
    }
    const conflictDocs = [...conflicting].map((index) => {
      const doc = docs[index] as LogDocument;
      return { ...doc, _id: conflictLogId(doc._id, doc.fp as string), conflictOf: doc._id };
    });
    const conflictDuplicates =
      conflictDocs.length > 0 ? await this.insertIgnoringDuplicates(conflictDocs) : new Set();

    const fresh = [
      ...docs.filter((_, index) => !duplicates.has(index)),
      ...conflictDocs.filter((_, index) => !conflictDuplicates.has(index)),
    ];
    const recoveredFlushes =
      stored.size > 0 ? await this.serialized(() => this.recoverEarlierFlushes(stored)) : 0;
    await this.incrementTogether(countByBucket(fresh), writerId, flush);
    this.applied.set(writerId, flush);
    this.forgetJournal(flushRef);

    return {
      inserted: batch.filter((_, index) => !duplicates.has(index)).map((p) => p.log),
      duplicates: batch
        .filter((_, index) => duplicates.has(index) && !conflicting.has(index))
        .map((p) => p.log),
      conflicts: batch.filter((_, index) => conflicting.has(index)).map((p) => p.log),
      recoveredFlushes,
    };
  }

  /** Inserts unordered; returns the indexes refused as duplicate keys, rethrows any other failure. */
  private async insertIgnoringDuplicates(docs: LogDocument[]): Promise<Set<number>> {
    try {
      await this.models.Log.collection.insertMany(docs as never[], { ordered: false });
      return new Set();
    } catch (error) {
      return duplicateIndexes(error);
    }
  }

  /**
   * The stored copies of logs refused as duplicates, by `_id`: point lookups, the one filter every MongoDB-wire
   * backend serves from its primary key (an `$in` over many ids is a collection scan on FerretDB).
   */
  private async storedCopies(docs: LogDocument[]): Promise<Map<string, StoredCopy>> {
    const found = await Promise.all(
      docs.map((doc) =>
        this.models.Log.collection.findOne({ _id: doc._id } as never, { projection: { flushRef: 1, fp: 1 } }),
      ),
    );
    const copies = new Map<string, StoredCopy>();
    for (const copy of found) {
      if (copy)
        copies.set(String(copy._id), { flushRef: String(copy.flushRef), fp: copy.fp as string | undefined });
    }
    return copies;
  }

  /**
   * Applies a flush's increments together with those of every other flush that reaches this step while a rollup
   * write is running: one `update` command (and at most one upsert of new buckets) for all of them. They come from
   * different writers (a lane waits for its own increments before its next flush), so each statement's mark check
   * is independent of the others and their order does not matter. A failure fails every flush of the batch.
   */
  private incrementTogether(buckets: BucketCount[], writerId: string, flush: number): Promise<void> {
    if (buckets.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.pendingIncrements.push({ buckets, writerId, flush, resolve, reject });
      if (this.pendingIncrements.length > 1) return; // a write of them is already queued
      void this.serialized(async () => {
        const batch = this.pendingIncrements.splice(0);
        try {
          await this.applyIncrementsOf(batch);
          for (const entry of batch) entry.resolve();
        } catch (error) {
          for (const entry of batch) entry.reject(error);
        }
      });
    });
  }

  /** Runs `task` after every rollup write queued before it. */
  private serialized<R>(task: () => Promise<R>): Promise<R> {
    const run = this.rollupChain.then(task, task);
    this.rollupChain = run.catch(() => undefined);
    return run;
  }

  /** Applies the increments of earlier flushes that stored the given copies, unless they were already applied. */
  private async recoverEarlierFlushes(stored: Map<string, StoredCopy>): Promise<number> {
    const refs = new Set([...stored.values()].map((copy) => copy.flushRef));
    let recovered = 0;
    for (const ref of refs) {
      const separator = ref.lastIndexOf(':');
      const writerId = ref.slice(0, separator);
      const flush = Number(ref.slice(separator + 1));
      if ((this.applied.get(writerId) ?? 0) >= flush) continue;
      const applied = await this.applyIncrements(await this.countsOfFlush(ref), writerId, flush);
      if (applied > 0) recovered += 1;
    }
    return recovered;
  }

  /** Per bucket, how many logs the flush `ref` stored: from its journal entry by point lookups. */
  private async countsOfFlush(ref: string): Promise<BucketCount[]> {
    const entry = await this.models.FlushJournal.collection.findOne({ _id: ref } as never);
    if (!entry) {
      // A flush from before the journal existed: count its logs by their flush mark (a scan on some backends).
      const counts = await this.models.Log.collection
        .aggregate<{ _id: Omit<BucketCount, 'n'>; n: number }>([
          { $match: { flushRef: ref } },
          { $group: { _id: { minute: '$minute', service: '$service', level: '$level' }, n: { $sum: 1 } } },
        ])
        .toArray();
      return counts.map((c) => ({ ...c._id, n: c.n }));
    }
    const docs = await Promise.all(
      (entry.ids as string[]).map((id) =>
        this.models.Log.collection.findOne({ _id: id } as never, {
          projection: { flushRef: 1, minute: 1, service: 1, level: 1 },
        }),
      ),
    );
    return countByBucket(
      docs.filter((doc) => doc?.flushRef === ref) as unknown as Pick<
        LogDocument,
        'minute' | 'service' | 'level'
      >[],
    );
  }

  /** Journal entries of completed flushes are removed a hundred at a time, off the write path. */
  private forgetJournal(flushRef: string): void {
    this.completedFlushes.push(flushRef);
    if (this.completedFlushes.length < 100) return;
    const done = this.completedFlushes.splice(0);
    const dayAgo = new Date(Date.now() - 24 * 60 * 60 * 1000);
    void this.models.FlushJournal.collection
      .deleteMany({ $or: [{ _id: { $in: done } }, { at: { $lt: dayAgo } }] } as never)
      .catch(() => undefined);
  }

  /**
   * Per bucket, `$inc` unless this writer's flush mark there is already at `flush`; returns how many buckets received
   * the increment (the others had it already). Written so that no operation can fail with a duplicate key: FerretDB
   * stops an unordered update batch at its first error, which would silently skip the buckets after it.
   */
  private applyIncrements(buckets: BucketCount[], writerId: string, flush: number): Promise<number> {
    return this.applyIncrementsOf([{ buckets, writerId, flush }]);
  }

  /** {@link applyIncrements} for several flushes of different writers in one bulk write. */
  private async applyIncrementsOf(flushes: FlushIncrements[]): Promise<number> {
    const all = flushes.flatMap(({ buckets }) => buckets);
    if (all.length === 0) return 0;
    await this.ensureBuckets(all);
    const operations: AnyBulkWriteOperation<RollupDoc>[] = flushes.flatMap(({ buckets, writerId, flush }) => {
      const mark = `hw.${writerId}`;
      return buckets.map((bucket) => ({
        updateOne: {
          filter: {
            _id: rollupId(bucket.minute, bucket.service, bucket.level),
            $or: [{ [mark]: { $exists: false } }, { [mark]: { $lt: flush } }],
          },
          update: { $inc: { count: bucket.n }, $set: { [mark]: flush } },
        },
      }));
    });
    const result = await this.models.Rollup.collection.bulkWrite(operations as never, { ordered: false });
    // Also when every increment was applied before (a retried flush): the mark may be what the first try missed.
    await markLateMinutes(
      this.models,
      all.map((bucket) => bucket.minute),
    );
    return result.modifiedCount;
  }

  /** Creates missing bucket documents (count 0). Two workers may race to create one: the loser just tries again. */
  private async ensureBuckets(buckets: BucketCount[]): Promise<void> {
    const missing = [
      ...new Map(
        buckets
          .filter((b) => !this.knownBuckets.has(rollupId(b.minute, b.service, b.level)))
          .map((b) => [rollupId(b.minute, b.service, b.level), b]),
      ).values(),
    ];
    if (missing.length === 0) return;
    const operations = missing.map((bucket) => ({
      updateOne: {
        filter: { _id: rollupId(bucket.minute, bucket.service, bucket.level) },
        update: {
          $setOnInsert: { ...rollupBucketFields(bucket.minute, bucket.service, bucket.level), count: 0 },
        },
        upsert: true,
      },
    }));
    for (let attempt = 1; ; attempt++) {
      try {
        await this.models.Rollup.collection.bulkWrite(operations as never, { ordered: false });
        break;
      } catch (error) {
        duplicateIndexes(error);
        if (attempt >= 3) throw error;
      }
    }
    if (this.knownBuckets.size > 50_000) this.knownBuckets.clear();
    for (const bucket of missing)
      this.knownBuckets.add(rollupId(bucket.minute, bucket.service, bucket.level));
  }
}
