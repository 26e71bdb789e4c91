import { Redis } from 'ioredis';
import type { Connection } from 'mongoose';
import { mongoUrlWithDb, testMongoUrl, testRedisUrl, uniqueName } from '@logstream/devstack';
import { connectMongo, createModels, type Models } from '@logstream/storage';
import { ApiKeyStore, hashKey } from './api-key-store';
import { KeyAuthenticator } from './key-authenticator';

/** API keys are durable in MongoDB; Redis only caches them, so losing Redis's data changes no answer. */
describe('API keys survive the loss of Redis', () => {
  const prefix = uniqueName('keyloss');
  let redis: Redis;
  let connection: Connection;
  let models: Models;

  /** Deletes every Redis key of this test's prefix: what a FLUSHALL or a restart without persistence does to it. */
  const loseRedisData = async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    return keys.length;
  };
  /** A fresh process's view: a new store and authenticator with empty memory caches. */
  const freshAuthenticator = () =>
    new KeyAuthenticator(new ApiKeyStore(async () => models, redis, prefix), {
      adminKey: undefined,
      cacheMs: 0,
    });

  beforeAll(async () => {
    redis = new Redis(testRedisUrl());
    connection = await connectMongo(mongoUrlWithDb(testMongoUrl(), prefix));
    models = createModels(connection);
  });
  afterAll(async () => {
    await loseRedisData();
    await redis.quit();
    await connection.dropDatabase();
    await connection.close();
  });

  it('authenticates every valid key and keeps revoked keys revoked after the cache is gone', async () => {
    const store = new ApiKeyStore(async () => models, redis, prefix);
    const payment = await store.create('payment');
    const auth = await store.create('auth');
    const revoked = await store.create('payment');
    expect(await store.revoke(revoked.id)).toMatchObject({ id: revoked.id, revokedAt: expect.any(String) });
    // Warm the cache, so that the loss below really removes something.
    expect((await freshAuthenticator().authenticate(payment.key))?.kind).toBe('service');
    expect(await redis.exists(store.cacheKey(hashKey(payment.key)))).toBe(1);

    expect(await loseRedisData()).toBeGreaterThan(0);

    const after = freshAuthenticator();
    expect(await after.authenticate(payment.key)).toMatchObject({
      kind: 'service',
      key: { service: 'payment' },
    });
    expect(await after.authenticate(auth.key)).toMatchObject({ kind: 'service', key: { service: 'auth' } });
    expect(await after.authenticate(revoked.key)).toBeUndefined();
    expect(await after.authenticate('lsk_never-issued')).toBeUndefined();
    // The lookups refilled the cache; a second loss changes nothing either.
    expect(await redis.exists(store.cacheKey(hashKey(payment.key)))).toBe(1);
    await loseRedisData();
    expect(await freshAuthenticator().authenticate(revoked.key)).toBeUndefined();
    expect((await store.list()).map((k) => [k.service, k.revokedAt === null])).toEqual([
      ['payment', true],
      ['auth', true],
      ['payment', false],
    ]);
  });

  it('copies keys an earlier version kept only in Redis into MongoDB, once', async () => {
    const legacyKey = 'lsk_legacy-key-000000000000000000000000000000';
    const legacy = {
      id: 'abc123def456',
      service: 'billing',
      prefix: legacyKey.slice(0, 10),
      createdAt: '2026-11-01T00:00:00.000Z',
      revokedAt: null,
      hash: hashKey(legacyKey),
    };
    await redis.hset(`${prefix}:api-keys`, legacy.id, JSON.stringify(legacy));
    const store = new ApiKeyStore(async () => models, redis, prefix);
    expect(await store.importLegacy()).toBe(1);
    expect(await store.importLegacy()).toBe(0);
    await loseRedisData();
    expect(await freshAuthenticator().authenticate(legacyKey)).toMatchObject({ key: { id: legacy.id } });
  });
});
