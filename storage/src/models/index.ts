import type { Connection } from 'mongoose';
import { apiKeyModel } from './api-key';
import { deadLetterModel } from './dead-letter';
import { flushJournalModel } from './flush-journal';
import { logModel } from './log';
import { replayModel } from './replay';
import { retentionOverrideModel, retentionStatusModel } from './retention';
import { rollupModel } from './rollup';
import { userModel } from './user';
import { rollupHourModel } from './rollup-hour';

/** Every model of a connection, created once and passed down. */
export function createModels(connection: Connection) {
  return {
    Log: logModel(connection),
    Rollup: rollupModel(connection),
    RollupHour: rollupHourModel(connection),
    Replay: replayModel(connection),
    DeadLetter: deadLetterModel(connection),
    FlushJournal: flushJournalModel(connection),
    ApiKey: apiKeyModel(connection),
    User: userModel(connection),
    RetentionOverride: retentionOverrideModel(connection),
    RetentionStatus: retentionStatusModel(connection),
  };
}
export type Models = ReturnType<typeof createModels>;

/** Creates the indexes the product relies on (idempotent; safe at every start). */
export async function ensureIndexes(models: Models): Promise<void> {
  for (const model of Object.values(models)) await model.createIndexes();
}

/**
 * Top-level fields the product looks documents up by equality, per collection (`_id` everywhere; `stream` for the
 * replay watcher's and the simulator's per-stream checks). On MongoDB the
 * indexes above serve them; the FerretDB/PostgreSQL tuning in devstack mirrors each as a GIN expression index, the
 * only kind PostgreSQL can use for the containment test FerretDB pushes down.
 */
export const EQUALITY_LOOKUPS: Readonly<Record<string, readonly string[]>> = {
  logs: ['_id', 'minute', 'hour', 'requestId', 'traceId', 'flushRef', 'stream', 'words'],
  rollups_minute: ['_id', 'hour'],
  rollups_hour: ['_id', 'day'],
  replays: ['_id'],
  dead_letters: ['_id'],
};
