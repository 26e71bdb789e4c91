import { Redis } from 'ioredis';
import { testRedisUrl, uniqueName } from '@logstream/devstack';
import { LeaderLock } from './leader-lock';

describe('LeaderLock (real Redis)', () => {
  const redis = new Redis(testRedisUrl());
  const key = `${uniqueName('leader')}:retention-sweeper`;

  afterAll(async () => {
    await redis.del(key);
    await redis.quit();
  });

  it('lets one of two workers run at a time, and the other after it released the lock', async () => {
    const a = new LeaderLock(redis, key, 5_000);
    const b = new LeaderLock(redis, key, 5_000);
    let release: () => void = () => undefined;
    const holding = new Promise<void>((resolve) => (release = resolve));
    const first = a.runExclusive(async () => {
      await holding;
      return 'a';
    });
    // Wait until a holds the lock, then b is refused without waiting.
    const deadline = Date.now() + 5_000;
    while ((await redis.exists(key)) === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(await b.runExclusive(async () => 'b')).toEqual({ ran: false });
    release();
    expect(await first).toEqual({ ran: true, result: 'a' });
    expect(await b.runExclusive(async () => 'b')).toEqual({ ran: true, result: 'b' });
  });
});
