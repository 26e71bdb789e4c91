import { connectMongo, createModels, ensureIndexes, type Models } from '@logstream/storage';
import { mongoUrlWithDb, testMongoUrl, uniqueName } from './testing';

/** A private database on the test server, with the product's models and indexes. */
export interface TestDatabase {
  connection: Awaited<ReturnType<typeof connectMongo>>;
  models: Models;
  /** Drops the database and closes the connection. */
  drop: () => Promise<void>;
}

/** Opens a fresh database named after `label` (made unique) on the test server, its indexes created. */
export async function openTestDatabase(label: string): Promise<TestDatabase> {
  const connection = await connectMongo(mongoUrlWithDb(testMongoUrl(), uniqueName(label)));
  const models = createModels(connection);
  await ensureIndexes(models);
  return {
    connection,
    models,
    drop: async () => {
      await connection.dropDatabase();
      await connection.close();
    },
  };
}
