import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { Redis } from 'ioredis';
import { repoRoot, testRedisUrl, uniqueName } from '@logstream/devstack';
import { ApiKeyStore } from '../auth/api-key-store';

/** The built CLI, as `npm run keys --` runs it, against the real Redis under its own prefix. */
describe('keys CLI', () => {
  const prefix = uniqueName('keys');
  const env = { ...process.env, REDIS_URL: testRedisUrl(), QUEUE_PREFIX: prefix };
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [path.join(repoRoot(), 'ingestion-api', 'dist', 'cli', 'keys.js'), ...args], {
      env,
      encoding: 'utf8',
    });
  let redis: Redis;

  beforeAll(() => {
    redis = new Redis(testRedisUrl());
  });
  afterAll(async () => {
    await redis.del(`${prefix}:api-keys`, `${prefix}:api-keys:by-hash`);
    await redis.quit();
  });

  it('creates a key shown once, lists it without the key, and revokes it', async () => {
    const created = run('create', '--service', 'payment');
    expect(created.status).toBe(0);
    const key = /\n {2}(lsk_\S+)\n/.exec(created.stdout)?.[1];
    expect(key).toBeDefined();
    const store = new ApiKeyStore(redis, prefix);
    const info = await store.lookup(key as string);
    expect(info?.service).toBe('payment');
    // Only the hash is stored.
    expect(JSON.stringify(await redis.hgetall(`${prefix}:api-keys`))).not.toContain(key);

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
