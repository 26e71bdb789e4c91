import type { Redis } from 'ioredis';
import { openTestRedis, type TestRedis } from '@logstream/devstack';
import { AckStore } from './ack-store';
import { activeSpacesKey, openSpacesKey } from './keys';

/** The replay watcher's index split by partition (the stream's ingest queue), as with QUEUE_PARTITIONS > 1. */
describe('AckStore partitions on the real Redis', () => {
  let scratch: TestRedis;
  let redis: Redis;
  let prefix: string;

  beforeEach(() => {
    scratch = openTestRedis('parts');
    ({ redis, prefix } = scratch);
  });
  afterEach(() => scratch.drop());

  it("indexes each space in its partition's keys; each watcher sees its own; GET /ack sees all", async () => {
    const partitionOf = (space: string) => (space.startsWith('auth') ? 0 : 1);
    const store = new AckStore(redis, { prefix, partitions: 2, partitionOf });
    await store.receive('auth#s1', [{ seq: 1, fingerprint: 'a' }]);
    await store.receive('payment#s1', [{ seq: 1, fingerprint: 'b' }]);
    await store.receive('payment#s2', [{ seq: 1, fingerprint: 'c' }]);
    // Partition 0 keeps the names a one-queue deployment has always used.
    expect(activeSpacesKey(prefix, 0)).toBe(`${prefix}:ack:active`);
    expect(await redis.zrange(activeSpacesKey(prefix, 0), 0, -1)).toEqual(['auth#s1']);
    expect((await store.spacesToWatch(60_000, 0)).sort()).toEqual(['auth#s1']);
    expect((await store.spacesToWatch(60_000, 1)).sort()).toEqual(['payment#s1', 'payment#s2']);
    expect((await store.activeSpaces()).map(({ space }) => space).sort()).toEqual([
      'auth#s1',
      'payment#s1',
      'payment#s2',
    ]);
    expect((await store.activeSpaces(2)).length).toBe(2);

    await store.markOpen('payment#s2', true);
    expect(await redis.smembers(openSpacesKey(prefix, 1))).toEqual(['payment#s2']);
    expect(await redis.exists(openSpacesKey(prefix, 0))).toBe(0);
  });
});
