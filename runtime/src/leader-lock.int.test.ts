import { Redis } from 'ioredis';
import { testRedisUrl, uniqueName, waitFor } from '@logstream/devstack';
import { LeaderLock } from './leader-lock';

describe('LeaderLock on the real Redis', () => {
  let redis: Redis;
  let key: string;

  beforeEach(() => {
    redis = new Redis(testRedisUrl());
    key = uniqueName('leader');
  });
  afterEach(async () => {
    await redis.del(key);
    await redis.quit();
  });

  it('lets one process lead at a time, keeps leadership while renewed, and hands it over on release', async () => {
    const first = new LeaderLock(redis, key, 1_000);
    const second = new LeaderLock(redis, key, 1_000);
    expect(await first.acquireOrRenew()).toBe(true);
    expect(await second.acquireOrRenew()).toBe(false);
    // Renewed past its first expiry: still the leader, the other still refused.
    await waitFor(async () => (await first.acquireOrRenew()) && (await redis.pttl(key)) > 900, 2_000, 'no renewal');
    expect(await second.acquireOrRenew()).toBe(false);
    expect(first.holds()).toBe(true);
    await first.release();
    expect(await second.acquireOrRenew()).toBe(true);
    expect(first.holds()).toBe(false);
    await second.release();
  });

  it('loses leadership when it is not renewed in time, and cannot renew over the new leader', async () => {
    const stale = new LeaderLock(redis, key, 300);
    const next = new LeaderLock(redis, key, 5_000);
    expect(await stale.acquireOrRenew()).toBe(true);
    await waitFor(async () => (await redis.exists(key)) === 0, 5_000, 'the lock never expired');
    expect(stale.holds()).toBe(false);
    expect(await next.acquireOrRenew()).toBe(true);
    // The old leader's renewal checks the value: it neither extends nor steals the new leader's lock.
    expect(await stale.acquireOrRenew()).toBe(false);
    expect(next.holds()).toBe(true);
    expect(await redis.pttl(key)).toBeGreaterThan(3_000);
  });

  it('runs occasional work in one process at a time, and in another once it released the lock', async () => {
    const a = new LeaderLock(redis, key, 5_000);
    const b = new LeaderLock(redis, key, 5_000);
    let release: () => void = () => undefined;
    const holding = new Promise<void>((resolve) => (release = resolve));
    const first = a.runExclusive(async () => {
      await holding;
      return 'a';
    });
    await waitFor(async () => (await redis.exists(key)) === 1, 5_000, 'a never took the lock');
    expect(await b.runExclusive(async () => 'b')).toEqual({ ran: false });
    release();
    expect(await first).toEqual({ ran: true, result: 'a' });
    expect(await b.runExclusive(async () => 'b')).toEqual({ ran: true, result: 'b' });
  });
});
