import { Redis } from 'ioredis';
import { connectMongo, createModels, ensureIndexes, type Models } from '@logstream/storage';
import { deleteKeysUnder } from './redis';
import { mongoUrlWithDb, testMongoUrl, testRedisUrl, uniqueName } from './testing';

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

/** A connection to the test Redis with a key prefix of its own. */
export interface TestRedis {
  redis: Redis;
  /** Unique per call: every key a test writes starts with it. */
  prefix: string;
  /** Deletes the prefix's keys and closes the connection. */
  drop: () => Promise<void>;
}

/** Connects to the test Redis with a fresh prefix named after `label` (made unique). */
export function openTestRedis(label: string): TestRedis {
  const redis = new Redis(testRedisUrl());
  const prefix = uniqueName(label);
  return {
    redis,
    prefix,
    drop: async () => {
      await deleteKeysUnder(redis, prefix);
      await redis.quit();
    },
  };
}
