import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { Connection } from 'mongoose';
import { mongoUrlWithDb, repoRoot, testMongoUrl, testRedisUrl, uniqueName } from '@logstream/devstack';
import { connectMongo, createModels, type Models } from '@logstream/storage';
import { ApiKeyStore } from '../auth/api-key-store';

/** The built CLI, as `npm run keys --` runs it, against the real Redis and MongoDB-wire server under its own names. */
describe('keys CLI', () => {
  const prefix = uniqueName('keys');
  const mongoUrl = mongoUrlWithDb(testMongoUrl(), prefix);
  const env = { ...process.env, REDIS_URL: testRedisUrl(), MONGO_URL: mongoUrl, QUEUE_PREFIX: prefix };
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [path.join(repoRoot(), 'ingestion-api', 'dist', 'cli', 'keys.js'), ...args], {
      env,
      encoding: 'utf8',
    });
  let redis: Redis;
  let connection: Connection;
  let models: Models;

  beforeAll(async () => {
    redis = new Redis(testRedisUrl());
    connection = await connectMongo(mongoUrl);
    models = createModels(connection);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    await connection.dropDatabase();
    await connection.close();
  });

  it('creates a key shown once and stored hashed in MongoDB, lists it without the key, and revokes it', async () => {
    const created = run('create', '--service', 'payment');
    expect(created.stderr).toBe('');
    expect(created.status).toBe(0);
    const key = /\n {2}(lsk_\S+)\n/.exec(created.stdout)?.[1];
    expect(key).toBeDefined();
    const store = new ApiKeyStore(async () => models, redis, prefix);
    const info = await store.lookup(key as string);
    expect(info?.service).toBe('payment');
    // The durable record holds only the hash.
    const stored = await models.ApiKey.find().lean();
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(key);

    const listed = run('list');
    expect(listed.status).toBe(0);
    expect(listed.stdout).toContain(info?.id);
    expect(listed.stdout).toContain('active');
    expect(listed.stdout).not.toContain(key);

    const revoked = run('revoke', info?.id as string);
    expect(revoked.status).toBe(0);
    expect(await store.lookup(key as string)).toBeUndefined();
    expect(run('list').stdout).toContain('revoked');

    const bad = run('create', '--service', 'Not A Slug');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('service must be');
    expect(run('revoke', 'nope').status).toBe(1);
  });
});
