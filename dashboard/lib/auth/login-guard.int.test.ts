import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import type { Connection } from 'mongoose';
import { mongoUrlWithDb, testMongoUrl, testRedisUrl, uniqueName } from '@logstream/devstack';
import { connectMongo, UserAccounts, userModel } from '@logstream/storage';
import { INVALID_LOGIN, LoginGuard } from './login-guard';

/** Sign-in checks against the real MongoDB-wire server (users) and Redis (failed-login counters), with hostile input. */
describe('LoginGuard', () => {
  const prefix = uniqueName('login');
  const PASSWORD = 'a long enough passphrase';
  let redis: Redis;
  let connection: Connection;
  let accounts: UserAccounts;
  const guard = (
    overrides: {
      failsPerAccount?: number;
      failsPerAddress?: number;
      firstAdmin?: { email: string; password: string };
    } = {},
  ) =>
    new LoginGuard(async () => accounts, redis, {
      keyPrefix: `${prefix}:${uniqueName('g')}`,
      failsPerAccount: overrides.failsPerAccount ?? 5,
      failsPerAddress: overrides.failsPerAddress ?? 50,
      firstAdmin: overrides.firstAdmin,
    });

  beforeAll(async () => {
    redis = new Redis(testRedisUrl());
    connection = await connectMongo(mongoUrlWithDb(testMongoUrl(), prefix));
    accounts = new UserAccounts(userModel(connection));
    await accounts.create({ email: 'viewer@example.com', role: 'viewer', password: PASSWORD });
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    await connection.dropDatabase();
    await connection.close();
  });

  it('signs in with the right password, whatever the e-mail’s case and spaces', async () => {
    const outcome = await guard().attempt('  Viewer@Example.COM ', PASSWORD, '10.0.0.1');
    expect(outcome).toMatchObject({ ok: true, user: { email: 'viewer@example.com', role: 'viewer' } });
    expect(JSON.stringify(outcome)).not.toContain('$argon2');
  });

  it('answers every hostile or wrong attempt with the same message and no detail', async () => {
    const g = guard({ failsPerAccount: 100, failsPerAddress: 100 });
    const attempts: [unknown, unknown][] = [
      ['nobody@example.com', PASSWORD],
      ['viewer@example.com', 'wrong password here'],
      ['viewer@example.com', 'x'.repeat(10 * 1024)],
      [{ $ne: null }, { $ne: null }],
      ['{"$ne":null}', '{"$ne":null}'],
      ['viewer@example.com', { $gt: '' }],
      ["viewer@example.com' OR '1'='1", "' OR '1'='1"],
      [undefined, undefined],
      [null, PASSWORD],
      ['', ''],
      [['viewer@example.com'], PASSWORD],
    ];
    for (const [email, password] of attempts) {
      const outcome = await g.attempt(email, password, '10.0.0.2');
      expect(outcome).toEqual({ ok: false, reason: 'invalid', message: INVALID_LOGIN });
    }
  });

  it('locks an account after its failures, for a known and an unknown address alike, and a success resets it', async () => {
    const g = guard({ failsPerAccount: 3 });
    for (let i = 0; i < 3; i += 1) {
      expect((await g.attempt('viewer@example.com', 'wrong', `10.1.0.${i}`)).ok).toBe(false);
    }
    const locked = await g.attempt('viewer@example.com', PASSWORD, '10.1.0.9');
    expect(locked).toMatchObject({ ok: false, reason: 'locked' });
    // An unknown account locks the same way, so the lock tells nothing about who exists.
    for (let i = 0; i < 3; i += 1) await g.attempt('ghost@example.com', 'wrong', '10.1.1.1');
    expect(await g.attempt('ghost@example.com', 'wrong', '10.1.1.1')).toMatchObject({ reason: 'locked' });

    const other = guard({ failsPerAccount: 3 });
    await other.attempt('viewer@example.com', 'wrong', '10.2.0.1');
    expect((await other.attempt('viewer@example.com', PASSWORD, '10.2.0.1')).ok).toBe(true);
    await other.attempt('viewer@example.com', 'wrong', '10.2.0.1');
    await other.attempt('viewer@example.com', 'wrong', '10.2.0.1');
    expect((await other.attempt('viewer@example.com', PASSWORD, '10.2.0.1')).ok).toBe(true);
  });

  it('blocks an address that fails across many accounts', async () => {
    const g = guard({ failsPerAccount: 100, failsPerAddress: 4 });
    for (let i = 0; i < 4; i += 1) await g.attempt(`user${i}@example.com`, 'wrong', '10.3.0.1');
    expect(await g.attempt('viewer@example.com', PASSWORD, '10.3.0.1')).toMatchObject({ reason: 'locked' });
    expect((await g.attempt('viewer@example.com', PASSWORD, '10.3.0.2')).ok).toBe(true);
  });

  it('creates the first admin from the configuration only while no user exists', async () => {
    const fresh = await connectMongo(mongoUrlWithDb(testMongoUrl(), `${prefix}_first`));
    try {
      const empty = new UserAccounts(userModel(fresh));
      const firstAdmin = { email: 'root@example.com', password: 'first admin password' };
      const g = new LoginGuard(async () => empty, redis, {
        keyPrefix: `${prefix}:first`,
        failsPerAccount: 5,
        failsPerAddress: 50,
        firstAdmin,
      });
      expect(await g.attempt('root@example.com', 'first admin password', '10.4.0.1')).toMatchObject({
        ok: true,
        user: { role: 'admin' },
      });
      await empty.resetPassword('root@example.com', 'a changed admin password');
      // A restart with the same environment does not bring the old password back.
      const again = new LoginGuard(async () => empty, redis, {
        keyPrefix: `${prefix}:first2`,
        failsPerAccount: 5,
        failsPerAddress: 50,
        firstAdmin,
      });
      expect((await again.attempt('root@example.com', 'first admin password', '10.4.0.1')).ok).toBe(false);
      expect((await empty.list()).length).toBe(1);
    } finally {
      await fresh.dropDatabase();
      await fresh.close();
    }
  });
});
