import type { Connection } from 'mongoose';
import { apiKeyModel } from './api-key';
import { deadLetterModel } from './dead-letter';
import { flushJournalModel } from './flush-journal';
import { logModel } from './log';
import { replayModel } from './replay';
import { retentionOverrideModel, retentionStatusModel } from './retention';
import { rollupModel } from './rollup';
import { userModel } from './user';

/** Every model of a connection, created once and passed down. */
export function createModels(connection: Connection) {
  return {
    Log: logModel(connection),
    Rollup: rollupModel(connection),
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
