import type { AnyBulkWriteOperation } from 'mongoose';
import { bulkWriteInChunks } from '../bulk-write';
import type { LogDoc } from '../models/log';
import type { Models } from '../models/index';
import { hourOf } from '../models/rollup';
import { messageWords } from './message-words';
import { hoursBetween } from './rollup-reader';

/** `_id` of the marker document (collection `migrations`) written once every stored log has its `words`. */
export const WORDS_MIGRATION_ID = 'log-words';

/** Progress of {@link backfillWords}: hours done of all, logs given words so far. */
export interface BackfillProgress {
  hoursDone: number;
  hours: number;
  updated: number;
}

type MigrationDoc = { _id: string; doneAt: Date };

function migrations(models: Models) {
  return models.Log.db.collection<MigrationDoc>('migrations');
}

/** Whether the words backfill has completed on this database (a fresh database never needs one). */
export async function wordsBackfillDone(models: Models): Promise<boolean> {
  return (await migrations(models).findOne({ _id: WORDS_MIGRATION_ID })) !== null;
}

/**
 * Gives every stored log that lacks it the `words` field text search looks up (logs stored before the field
 * existed), then writes the migration marker. Walks the hours the hour rollups know (plus the last two hours), newest
 * first, each with one equality lookup on `hour` and one unordered bulk `$set` by `_id`: idempotent, so an
 * interrupted run can simply run again. Logs stored before the `hour` field existed are not reached (no search reads
 * them by hour either).
 */
export async function backfillWords(
  models: Models,
  onProgress: (progress: BackfillProgress) => void = () => {},
  now = new Date(),
): Promise<BackfillProgress> {
  const compacted = await models.RollupHour.find({ kind: 'totals' }, { _id: 0, hour: 1 }).lean<
    { hour: Date }[]
  >();
  const recent = hoursBetween(new Date(hourOf(now).getTime() - 2 * 3_600_000), now);
  const hours = [...new Set([...recent, ...compacted.map((row) => new Date(row.hour).getTime())])].sort(
    (a, b) => b - a,
  );
  const progress: BackfillProgress = { hoursDone: 0, hours: hours.length, updated: 0 };
  onProgress(progress);
  for (const hour of hours) {
    const docs = await models.Log.find({ hour: new Date(hour) }, { _id: 1, message: 1, words: 1 }).lean<
      Pick<LogDoc & { _id: string }, '_id' | 'message' | 'words'>[]
    >();
    const updates: AnyBulkWriteOperation<LogDoc>[] = docs
      .filter((doc) => !Array.isArray(doc.words))
      .map((doc) => ({
        updateOne: { filter: { _id: doc._id }, update: { $set: { words: messageWords(doc.message) } } },
      }));
    await bulkWriteInChunks(models.Log as never, updates, { ordered: false });
    progress.hoursDone += 1;
    progress.updated += updates.length;
    onProgress(progress);
  }
  await migrations(models).updateOne(
    { _id: WORDS_MIGRATION_ID },
    { $set: { doneAt: new Date() } },
    { upsert: true },
  );
  return progress;
}
