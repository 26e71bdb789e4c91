import { mongo, type AnyBulkWriteOperation } from 'mongoose';
import { NO_MUTEX, type Mutex } from '@logstream/runtime';
import { conflictLogId, type JobLog } from '@logstream/shared-types';
import {
  bulkWriteInChunks,
  logDocument,
  type BulkWritable,
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
const HOUR_MS = 60 * 60 * 1000;
/** Longest a counted flush's journal entry stays. */
const JOURNAL_CLEANUP_MS = 1_000;

type BucketCount = { minute: Date; service: string; level: string; n: number };
type StoredCopy = { flushRef: string; fp: string | undefined };
type FlushIncrements = { buckets: BucketCount[]; writerId: string; flush: number };
type PendingIncrements = FlushIncrements & { resolve: () => void; reject: (error: unknown) => void };

/** A flush whose logs are stored; its rollup increments follow (see {@link LogWriter.store}). */
export interface StoredFlush {
  result: WriteResult;
  /** Settles once the flush's rollup increments are applied; rejects when they could not be. */
  rollups: Promise<void>;
}

/** Settings of a {@link LogWriter}. */
export interface LogWriterOptions {
  /**
   * How long a flush's rollup increments wait for those of the flushes after it, so that one statement per bucket
   * carries them all. 0 applies them as soon as the rollup step is free.
   */
  rollupDelayMs: number;
  /**
   * Taken around every rollup write when the database does not update a document atomically (FerretDB, see
   * `updatesAreAtomic`), so that the workers of a deployment take turns instead of losing each other's increments.
   */
  rollupMutex?: Mutex;
}

function toDocument(pending: PendingLog, flushRef: string, storedAt: Date): LogDocument {
  return logDocument(pending.log, {
    receivedAt: pending.receivedAt,
    storedAt,
    batchId: pending.batchId,
    flushRef,
  });
}

/** `writer:flush` → its parts (a writer id may itself hold colons). */
function parseFlushRef(ref: string): { writerId: string; flush: number } {
  const separator = ref.lastIndexOf(':');
  return { writerId: ref.slice(0, separator), flush: Number(ref.slice(separator + 1)) };
}

/** The filter part: `writerId`'s mark on the bucket is absent or below `flush`. */
function markBelow(writerId: string, flush: number): Record<string, unknown> {
  const mark = `hw.${writerId}`;
  return { $or: [{ [mark]: { $exists: false } }, { [mark]: { $lt: flush } }] };
}

/** One statement per bucket for the increments of several flushes (see LogWriter.applyIncrementsOf). */
function combineIncrements(flushes: FlushIncrements[]): AnyBulkWriteOperation<RollupDoc>[] {
  const byBucket = new Map<string, { n: number; marks: Map<string, { first: number; last: number }> }>();
  for (const { buckets, writerId, flush } of flushes) {
    for (const bucket of buckets) {
      const id = rollupId(bucket.minute, bucket.service, bucket.level);
      const entry = byBucket.get(id) ?? { n: 0, marks: new Map() };
      entry.n += bucket.n;
      const mark = entry.marks.get(writerId);
      entry.marks.set(writerId, {
        first: Math.min(flush, mark?.first ?? flush),
        last: Math.max(flush, mark?.last ?? flush),
      });
      byBucket.set(id, entry);
    }
  }
  return [...byBucket].map(([id, { n, marks }]) => {
    const conditions = [...marks].map(([writerId, { first }]) => markBelow(writerId, first));
    const raised = Object.fromEntries([...marks].map(([writerId, { last }]) => [`hw.${writerId}`, last]));
    return {
      updateOne: {
        filter: { _id: id, ...(conditions.length === 1 ? conditions[0] : { $and: conditions }) },
        update: { $inc: { count: n }, $set: raised },
      },
    };
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
   * Rollup writes of this process run one at a time, and with `rollupMutex` one at a time across processes too.
   * MongoDB's `$inc` is atomic, but FerretDB v1 applies updates as read-modify-write without isolation (200 concurrent
   * `$inc` of one document were measured to end at 15), so concurrent lanes or workers would lose increments there.
   * The rollup write is small next to the insert it follows.
   */
  private rollupChain: Promise<unknown> = Promise.resolve();
  /** Flushes counted since the last journal clean-up (see forgetJournal). */
  private readonly completedFlushes: string[] = [];
  private journalTimer: NodeJS.Timeout | undefined;
  private lastOldJournalSweep = 0;
  /** Rollup buckets known to exist, so that only new minutes pay for an upsert. */
  private readonly knownBuckets = new Set<string>();
  /** Flushes whose increments wait for the next rollup write (see incrementLater). */
  private pendingIncrements: PendingIncrements[] = [];
  private rollupTimer: NodeJS.Timeout | undefined;
  /**
   * Writers one of whose rollup writes failed. Their later flushes must not move their marks past the failed one
   * before a recovery has applied it, so their pending increments fail too and they store nothing more: the lane
   * takes a new writer id and the jobs come back, where the recovery walk applies the flushes in order.
   */
  private readonly failedWriters = new Set<string>();

  constructor(
    private readonly models: Models,
    private readonly options: LogWriterOptions = { rollupDelayMs: 0 },
  ) {}

  /** Writes one batch as `writerId`'s flush number `flush`, rollups included. Throws on anything but duplicate keys. */
  async write(batch: PendingLog[], writerId: string, flush: number): Promise<WriteResult> {
    const stored = await this.store(batch, writerId, flush);
    await stored.rollups;
    return stored.result;
  }

  /**
   * Stores one batch as `writerId`'s flush number `flush` and resolves once its logs are stored; its rollup increments
   * are applied after it, together with those of the flushes that follow within `rollupDelayMs` (`rollups`). A writer
   * may store its next flush meanwhile: its increments are applied in flush order. Until `rollups` settles the flush's
   * journal entry stays, so a crash in between is recovered as for a flush interrupted after its insert.
   */
  async store(batch: PendingLog[], writerId: string, flush: number): Promise<StoredFlush> {
    if (this.failedWriters.has(writerId)) {
      throw new Error(`writer ${writerId} failed a rollup write; flush with a new writer id`);
    }
    const flushRef = `${writerId}:${flush}`;
    const storedAt = new Date();
    const docs = batch.map((pending) => toDocument(pending, flushRef, storedAt));
    await this.models.FlushJournal.collection.insertOne({
      _id: flushRef,
      writer: writerId,
      flush,
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
      stored.size > 0 ? await this.serialized(() => this.recoverEarlierFlushes(stored.values())) : 0;
    const rollups = this.incrementLater(countByBucket(fresh), writerId, flush).then(() => {
      if ((this.applied.get(writerId) ?? 0) < flush) this.applied.set(writerId, flush);
      this.forgetJournal(flushRef);
    });
    // The caller may settle its jobs only once this resolves; a rejection before it looks is not unhandled.
    rollups.catch(() => undefined);

    return {
      result: {
        inserted: batch.filter((_, index) => !duplicates.has(index)).map((p) => p.log),
        duplicates: batch
          .filter((_, index) => duplicates.has(index) && !conflicting.has(index))
          .map((p) => p.log),
        conflicts: batch.filter((_, index) => conflicting.has(index)).map((p) => p.log),
        recoveredFlushes,
      },
      rollups,
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
   * Queues a flush's increments for the next rollup write, which carries those of every flush queued until it starts:
   * one `update` command with one statement per bucket (see applyIncrementsOf). The write starts `rollupDelayMs` after
   * the first of them is queued, and never while another runs. A failure fails every flush of the write, and every
   * flush queued after it by the same writers.
   */
  private incrementLater(buckets: BucketCount[], writerId: string, flush: number): Promise<void> {
    if (buckets.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.pendingIncrements.push({ buckets, writerId, flush, resolve, reject });
      this.scheduleRollupWrite();
    });
  }

  private scheduleRollupWrite(): void {
    if (this.rollupTimer || this.pendingIncrements.length === 0) return;
    this.rollupTimer = setTimeout(() => {
      this.serialized(async () => {
        // Cleared only once the write starts: flushes queued while an earlier one runs wait for this one.
        this.rollupTimer = undefined;
        await this.applyPendingIncrements();
      }).catch((error: unknown) => {
        // Only `rollupMutex` rejects here (the write itself settles its flushes): the lock was not to be had, and
        // the flushes waiting for this write fail as if it had failed.
        this.rollupTimer = undefined;
        this.failFlushes(this.pendingIncrements.splice(0), error);
      });
    }, this.options.rollupDelayMs);
  }

  private async applyPendingIncrements(): Promise<void> {
    const queued = this.pendingIncrements.splice(0);
    const refused = queued.filter((entry) => this.failedWriters.has(entry.writerId));
    const batch = queued.filter((entry) => !this.failedWriters.has(entry.writerId));
    for (const entry of refused)
      entry.reject(new Error(`writer ${entry.writerId} failed an earlier rollup write`));
    try {
      if (batch.length > 0) await this.applyIncrementsOf(batch);
      for (const entry of batch) entry.resolve();
    } catch (error) {
      this.failFlushes(batch, error);
    }
  }

  /** Fails flushes whose increments were not written; their writers store nothing more (see failedWriters). */
  private failFlushes(entries: PendingIncrements[], error: unknown): void {
    for (const entry of entries) {
      this.failedWriters.add(entry.writerId);
      entry.reject(error);
    }
  }

  /** Runs `task` after every rollup write queued before it (holding `rollupMutex`, when there is one). */
  private serialized<R>(task: () => Promise<R>): Promise<R> {
    const mutex = this.options.rollupMutex ?? NO_MUTEX;
    const exclusive = () => mutex.run(task);
    const run = this.rollupChain.then(exclusive, exclusive);
    this.rollupChain = run.catch(() => undefined);
    return run;
  }

  /**
   * Applies the increments of earlier flushes that stored the given copies, unless they were already applied. A writer
   * may have stored several flushes whose increments were still to come (they wait to be written together), so its
   * journaled flushes up to the one met here are applied first, in flush order: a later flush's mark must never
   * land before an earlier flush's increment. A flush whose logs are all found is then counted for good and its
   * journal entry goes; with `onlyWhole`, a writer's walk stops at a flush with logs not found (its insert may still
   * land: see recoverStaleFlushes).
   */
  private async recoverEarlierFlushes(
    stored: Iterable<Pick<StoredCopy, 'flushRef'>>,
    options: { onlyWhole?: boolean } = {},
  ): Promise<number> {
    const newestByWriter = new Map<string, number>();
    for (const copy of stored) {
      const { writerId, flush } = parseFlushRef(copy.flushRef);
      newestByWriter.set(writerId, Math.max(flush, newestByWriter.get(writerId) ?? 0));
    }
    let recovered = 0;
    for (const [writerId, newest] of newestByWriter) {
      // A writer whose rollup write failed may have later flushes marked done here (they had nothing to count): walk
      // all of its journaled flushes.
      const known = this.failedWriters.has(writerId) ? 0 : (this.applied.get(writerId) ?? 0);
      if (known >= newest) continue;
      for (const flush of await this.journaledFlushes(writerId, known, newest)) {
        const ref = `${writerId}:${flush}`;
        const { buckets, whole } = await this.countsOfFlush(ref);
        if (options.onlyWhole && !whole) break;
        const applied = await this.applyIncrements(buckets, writerId, flush);
        if (applied > 0) recovered += 1;
        if (whole) this.forgetJournal(ref);
      }
    }
    return recovered;
  }

  /**
   * Counts the flushes journaled more than `olderThanMs` ago, in flush order per writer, as a recovery does when it
   * meets their logs again. Those are the flushes of workers that died between their insert and their increments and
   * whose logs never came back: their jobs vanished with a Redis restart, and the watermarks rebuilt from MongoDB
   * report the stored logs persisted, so no producer resends them. A flush with logs not found is left for later (an
   * insert held up in a stalled database may still land), and the flushes of its writer after it too. Returns how many
   * flushes received increments.
   */
  async recoverStaleFlushes(olderThanMs: number, limit = 200): Promise<number> {
    const stale = await this.models.FlushJournal.collection
      .find({ at: { $lt: new Date(Date.now() - olderThanMs) } } as never, { projection: { _id: 1 } })
      .limit(limit)
      .toArray();
    if (stale.length === 0) return 0;
    const refs = stale.map((entry) => ({ flushRef: String(entry._id) }));
    return this.serialized(() => this.recoverEarlierFlushes(refs, { onlyWhole: true }));
  }

  /** Flush numbers of `writerId` above `after` up to `newest` that have a journal entry, in order; `newest` always. */
  private async journaledFlushes(writerId: string, after: number, newest: number): Promise<number[]> {
    const entries = await this.models.FlushJournal.collection
      .find({ writer: writerId, flush: { $gt: after, $lt: newest } } as never, { projection: { flush: 1 } })
      .toArray();
    const flushes = new Set(entries.map((entry) => Number(entry.flush)));
    flushes.add(newest);
    return [...flushes].sort((a, b) => a - b);
  }

  /**
   * Per bucket, how many logs the flush `ref` stored: from its journal entry by point lookups. A flush without an entry
   * has had its increments applied: the entry is written before the flush's insert and removed only after its
   * increments (or, unapplied, after a day: see forgetJournal). Logs met again long after they were stored — a
   * producer resending what it was told is stored — so cost one journal lookup per flush, not a count of its logs.
   * `whole`: every log of the entry is stored (by this flush or, as a duplicate, an earlier one).
   */
  private async countsOfFlush(ref: string): Promise<{ buckets: BucketCount[]; whole: boolean }> {
    const entry = await this.models.FlushJournal.collection.findOne({ _id: ref } as never);
    if (!entry) return { buckets: [], whole: true };
    const docs = await Promise.all(
      (entry.ids as string[]).map((id) =>
        this.models.Log.collection.findOne({ _id: id } as never, {
          projection: { flushRef: 1, minute: 1, service: 1, level: 1 },
        }),
      ),
    );
    const buckets = countByBucket(
      docs.filter((doc) => doc?.flushRef === ref) as unknown as Pick<
        LogDocument,
        'minute' | 'service' | 'level'
      >[],
    );
    return { buckets, whole: docs.every((doc) => doc !== null) };
  }

  /**
   * Journal entries of counted flushes are removed together, at most `JOURNAL_CLEANUP_MS` after, off the write path:
   * the journal holds little more than the flushes still waiting for their increments, so a recovery's walk over a
   * writer's entries stays short. Once an hour the removal also takes entries older than a day (flushes whose jobs
   * never came back).
   */
  private forgetJournal(flushRef: string): void {
    this.completedFlushes.push(flushRef);
    if (this.journalTimer) return;
    this.journalTimer = setTimeout(() => {
      this.journalTimer = undefined;
      const done = this.completedFlushes.splice(0);
      const now = Date.now();
      const sweepOld = now - this.lastOldJournalSweep >= HOUR_MS;
      if (sweepOld) this.lastOldJournalSweep = now;
      const filter = sweepOld
        ? { $or: [{ _id: { $in: done } }, { at: { $lt: new Date(now - 24 * HOUR_MS) } }] }
        : { _id: { $in: done } };
      void this.models.FlushJournal.collection.deleteMany(filter as never).catch(() => undefined);
    }, JOURNAL_CLEANUP_MS);
    // A worker on its way out does not wait for it: entries left behind only cost a recovery a few lookups.
    this.journalTimer.unref();
  }

  /**
   * Per bucket, `$inc` unless this writer's flush mark there is already at `flush`; returns how many buckets received
   * the increment (the others had it already). Written so that no operation can fail with a duplicate key: FerretDB
   * stops an unordered update batch at its first error, which would silently skip the buckets after it.
   */
  private applyIncrements(buckets: BucketCount[], writerId: string, flush: number): Promise<number> {
    return this.applyIncrementsOf([{ buckets, writerId, flush }]);
  }

  /**
   * {@link applyIncrements} for several flushes in one bulk write: one statement per bucket, with the summed count,
   * applied only if every writer's mark there is below its first flush of the batch, and raising each mark to its
   * last. Should any bucket refuse it (some flush of the batch was applied there already, by a recovery), every flush
   * is applied again on its own, in flush order — each statement is refused where it was applied.
   */
  private async applyIncrementsOf(flushes: FlushIncrements[]): Promise<number> {
    const all = flushes.flatMap(({ buckets }) => buckets);
    if (all.length === 0) return 0;
    await this.ensureBuckets(all);
    let modified: number;
    if (flushes.length === 1) {
      modified = await this.applyOneByOne(flushes);
    } else {
      const combined = combineIncrements(flushes);
      const result = await bulkWriteInChunks(this.rollups(), combined, { ordered: false });
      modified = result.modifiedCount;
      if (modified < combined.length) modified = await this.applyOneByOne(flushes);
    }
    // Also when every increment was applied before (a retried flush): the mark may be what the first try missed.
    await markLateMinutes(
      this.models,
      all.map((bucket) => bucket.minute),
    );
    return modified;
  }

  /** The minute rollups as a bulk-write target (see bulkWriteInChunks: FerretDB wedges on large update commands). */
  private rollups(): BulkWritable<AnyBulkWriteOperation<RollupDoc>> {
    return this.models.Rollup.collection as unknown as BulkWritable<AnyBulkWriteOperation<RollupDoc>>;
  }

  /** One statement per flush and bucket, in flush order; returns how many applied. */
  private async applyOneByOne(flushes: FlushIncrements[]): Promise<number> {
    const ordered = [...flushes].sort((a, b) => a.flush - b.flush);
    const operations: AnyBulkWriteOperation<RollupDoc>[] = ordered.flatMap(({ buckets, writerId, flush }) =>
      buckets.map((bucket) => ({
        updateOne: {
          filter: {
            _id: rollupId(bucket.minute, bucket.service, bucket.level),
            ...markBelow(writerId, flush),
          },
          update: { $inc: { count: bucket.n }, $set: { [`hw.${writerId}`]: flush } },
        },
      })),
    );
    // Ordered: two flushes of one writer on one bucket must land in flush order.
    const result = await bulkWriteInChunks(this.rollups(), operations, { ordered: true });
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
        await bulkWriteInChunks(this.rollups(), operations, { ordered: false });
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
