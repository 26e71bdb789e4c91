import { Redis } from 'ioredis';
import { testRedisUrl, uniqueName } from '@logstream/devstack';
import { AckStore } from './ack-store';

describe('AckStore on the real Redis', () => {
  let redis: Redis;
  let prefix: string;
  let store: AckStore;

  beforeEach(() => {
    redis = new Redis(testRedisUrl());
    prefix = uniqueName('ack');
    store = new AckStore(redis, { prefix });
  });

  afterEach(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

  it('advances ackTill over contiguous seqs and reports gaps above it', async () => {
    await store.receive('auth', range(1, 10));
    const { accepted, state } = await store.receive('auth', [...range(16, 20), ...range(31, 35)]);
    expect(accepted.size).toBe(10);
    expect(state).toMatchObject({
      ackTill: 10,
      persistedTill: 0,
      highestSeq: 35,
      missing: [
        [11, 15],
        [21, 30],
      ],
      status: 'partial',
    });
    const filled = await store.receive('auth', range(11, 15));
    expect(filled.state.ackTill).toBe(20);
    expect(filled.state.missing).toEqual([[21, 30]]);
  });

  it('drops duplicates of stored and in-flight seqs but acknowledges them', async () => {
    await store.receive('pay', range(1, 5));
    await store.persist('pay', range(1, 3));
    const again = await store.receive('pay', range(1, 6));
    expect([...again.accepted]).toEqual([6]);
    expect(again.state).toMatchObject({ ackTill: 6, persistedTill: 3 });
  });

  it('takes an in-flight seq again when a replay range covers it, and closes the range once stored', async () => {
    await store.receive('pay', range(1, 10));
    await store.openReplay('pay', 4, 6);
    const resent = await store.receive('pay', range(3, 7));
    expect([...resent.accepted].sort((a, b) => a - b)).toEqual([4, 5, 6]);
    expect(resent.state.replay).toEqual([[4, 6]]);
    expect(await store.isPersisted('pay', 4, 6)).toBe(false);
    await store.persist('pay', [4, 5, 6]);
    expect(await store.isPersisted('pay', 4, 6)).toBe(true);
    await store.closeReplay('pay', 4, 6);
    expect((await store.state('pay')).replay).toEqual([]);
  });

  it('rebuilds watermarks from persisted seqs after Redis lost the state', async () => {
    await store.receive('notify', range(1, 100));
    await store.persist('notify', range(1, 100));
    const keys = await redis.keys(`${prefix}:*`);
    await redis.del(...keys); // what a FLUSHALL does to us
    expect((await store.state('notify')).ackTill).toBe(0);
    // Stored seqs found again (by the worker or the replay watcher's database check) count as received and persisted.
    const state = await store.persist('notify', range(1, 100));
    expect(state).toMatchObject({ ackTill: 100, persistedTill: 100, status: 'ok' });
    expect(await store.streams()).toEqual(['notify']);
  });

  it('lists seqs received long ago and still not persisted', async () => {
    await store.receive('slow', range(1, 4));
    await store.persist('slow', [1, 2]);
    expect(await store.staleInFlight('slow', 0)).toEqual([3, 4]);
    expect(await store.staleInFlight('slow', 60_000)).toEqual([]);
  });

  it('keeps its memory bounded by giving up the oldest gap', async () => {
    const small = new AckStore(redis, { prefix, maxTracked: 5 });
    const { state } = await small.receive('burst', [1, ...range(10, 16)]);
    expect(state.ackTill).toBeGreaterThanOrEqual(9);
    expect(await redis.zcard(`${prefix}:ack:{burst}:recv`)).toBeLessThanOrEqual(5);
  });
});
