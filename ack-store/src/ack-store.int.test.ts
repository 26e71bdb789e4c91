import { Redis } from 'ioredis';
import { testRedisUrl, uniqueName } from '@logstream/devstack';
import { AckStore, type ReceiveItem, type ReceiveResult } from './ack-store';
import { activeSpacesKey, spaceKeys } from './keys';

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

  const span = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
  const items = (seqs: number[], fingerprint = 'same'): ReceiveItem[] =>
    seqs.map((seq) => ({ seq, fingerprint: `${fingerprint}-${seq}` }));
  const received = (result: ReceiveResult) => {
    if (result.kind !== 'received') throw new Error(`expected received, got ${result.kind}`);
    return result;
  };

  it('advances ackTill over contiguous seqs and reports gaps above it', async () => {
    received(await store.receive('auth', items(span(1, 10))));
    const { verdicts, state } = received(
      await store.receive('auth', items([...span(16, 20), ...span(31, 35)])),
    );
    expect(verdicts.every((verdict) => verdict === 'new')).toBe(true);
    expect(state).toMatchObject({
      stream: 'auth',
      ackTill: 10,
      persistedTill: 0,
      highestSeq: 35,
      missing: [
        [11, 15],
        [21, 30],
      ],
      status: 'partial',
    });
    const filled = received(await store.receive('auth', items(span(11, 15))));
    expect(filled.state.ackTill).toBe(20);
    expect(filled.state.missing).toEqual([[21, 30]]);
  });

  it('tells a retry from a reused seq by its fingerprint', async () => {
    received(await store.receive('pay', items(span(1, 5))));
    await store.persist('pay', span(1, 3));
    const again = received(
      await store.receive('pay', [
        { seq: 2, fingerprint: 'same-2' },
        { seq: 4, fingerprint: 'same-4' },
        { seq: 5, fingerprint: 'other-5' },
        { seq: 6, fingerprint: 'same-6' },
      ]),
    );
    // Stored: enqueued for the worker to compare; in flight and equal: a duplicate; in flight and different: refused.
    expect(again.verdicts).toEqual(['verify', 'duplicate', 'conflict', 'new']);
    expect(again.state).toMatchObject({ ackTill: 6, persistedTill: 3 });
  });

  it('keeps the sessions of one stream apart', async () => {
    received(await store.receive('pay#replica-a', items(span(1, 3), 'a')));
    const other = received(await store.receive('pay#replica-b', items(span(1, 3), 'b')));
    expect(other.verdicts).toEqual(['new', 'new', 'new']);
    expect(other.state).toMatchObject({ stream: 'pay', session: 'replica-b', ackTill: 3 });
  });

  it('takes an in-flight seq again when a replay range covers it, and closes the range once stored', async () => {
    received(await store.receive('pay', items(span(1, 10))));
    await store.openReplay('pay', 4, 6);
    const resent = received(await store.receive('pay', items(span(3, 7))));
    expect(resent.verdicts).toEqual(['duplicate', 'resent', 'resent', 'resent', 'duplicate']);
    expect(resent.state.replay).toEqual([[4, 6]]);
    // Taken once: a producer answering the same replay again while that copy is on its way floods nothing.
    const again = received(await store.receive('pay', items(span(4, 6))));
    expect(again.verdicts).toEqual(['duplicate', 'duplicate', 'duplicate']);
    // Unless that copy was lost too (its job vanished): then the next one is taken.
    await store.forgetRetaken('pay', [[5, 5]]);
    expect(received(await store.receive('pay', items([5]))).verdicts).toEqual(['resent']);
    expect(await store.isPersisted('pay', 4, 6)).toBe(false);
    await store.persist('pay', [4, 5, 6]);
    expect(await store.isPersisted('pay', 4, 6)).toBe(true);
    await store.closeReplay('pay', 4, 6);
    expect((await store.state('pay')).replay).toEqual([]);
  });

  it('never moves persistedTill past a gap, however large, and keeps the seqs above it as ranges', async () => {
    received(await store.receive('big', items(span(1, 10))));
    received(await store.receive('big', items(span(5_000_001, 5_000_050))));
    await store.persist('big', [...span(1, 10), ...span(5_000_001, 5_000_050)]);
    const state = await store.state('big');
    expect(state).toMatchObject({
      ackTill: 10,
      persistedTill: 10,
      highestSeq: 5_000_050,
      missing: [[11, 5_000_000]],
      persisted: [[5_000_001, 5_000_050]],
      status: 'partial',
    });
    // Two intervals hold 60 seqs across a gap of five million.
    const keys = spaceKeys(prefix, 'big');
    expect(await redis.zcard(keys.received)).toBe(2);
    expect(await redis.zcard(keys.persisted)).toBe(2);
  });

  it('keeps seqs near 2^53 exact', async () => {
    const high = Number.MAX_SAFE_INTEGER - 5;
    const { state } = received(await store.receive('huge', items([high, high + 1])));
    expect(state.highestSeq).toBe(high + 1);
    expect(state.missing).toEqual([[1, high - 1]]);
  });

  it('refuses a request that would open more gaps than allowed, changing nothing, but takes gap fills', async () => {
    const small = new AckStore(redis, { prefix, maxIntervals: 3 });
    received(await small.receive('burst', items([1, 3, 5])));
    const refused = await small.receive('burst', items([7, 8]));
    expect(refused).toEqual({ kind: 'overflow', intervals: 3 });
    expect((await small.state('burst')).highestSeq).toBe(5);
    // Filling a gap never opens one.
    const fill = received(await small.receive('burst', items([2, 4, 6, 7, 8])));
    expect(fill.state).toMatchObject({ ackTill: 8, missing: [] });
  });

  it('reports an expired range as lost, never as persisted, and takes it back if it arrives', async () => {
    received(await store.receive('gone', items([...span(1, 5), ...span(11, 15)])));
    await store.persist('gone', [...span(1, 5), 12, 13, 14, 15]);
    await store.openReplay('gone', 6, 11);
    expect(await store.markLost('gone', 6, 11)).toBe(6);
    let state = await store.state('gone');
    expect(state).toMatchObject({ persistedTill: 5, lost: [[6, 11]], replay: [], status: 'partial' });
    // Seq 8 was never received (new); 11 was received but never stored: a late copy is taken, not dropped.
    const late = received(await store.receive('gone', items([8, 11])));
    expect(late.verdicts).toEqual(['new', 'resent']);
    state = await store.persist('gone', [8, 11]);
    expect(state.lost).toEqual([
      [6, 7],
      [9, 10],
    ]);
    expect(state.persistedTill).toBe(5);
  });

  it('rebuilds watermarks from persisted seqs after Redis lost the state', async () => {
    received(await store.receive('notify', items(span(1, 100))));
    await store.persist('notify', span(1, 100));
    const keys = await redis.keys(`${prefix}:*`);
    await redis.del(...keys); // what a FLUSHALL does to us
    expect((await store.state('notify')).ackTill).toBe(0);
    const state = await store.persist('notify', span(1, 100));
    expect(state).toMatchObject({ ackTill: 100, persistedTill: 100, status: 'ok' });
    expect((await store.activeSpaces()).map((entry) => entry.space)).toEqual(['notify']);
  });

  it('lists runs handed to the queue long ago and not stored, and forgets stored ones', async () => {
    received(await store.receive('slow', items(span(1, 4))));
    received(await store.receive('slow', items(span(5, 6))));
    await store.persist('slow', [1, 2, 5, 6]);
    expect(await store.unstoredInFlight('slow', Date.now())).toEqual([[3, 4]]);
    expect(await store.unstoredInFlight('slow', Date.now() - 60_000)).toEqual([]);
    // The run 5-6 is stored: its record is gone; 1-4 is still open.
    expect(await redis.zrange(spaceKeys(prefix, 'slow').inflight, 0, -1)).toEqual(['1-4']);
  });

  it('renews every key of a space once per refresh interval, and in between only the keys a receive wrote', async () => {
    // State lifetime 80 s: keys live 90 s after a write, and a receive renews all of them at most every 10 s.
    const shortLived = new AckStore(redis, { prefix, stateTtlMs: 80_000 });
    const keys = spaceKeys(prefix, 'renew');
    received(await shortLived.receive('renew', items(span(1, 4))));
    await shortLived.persist('renew', [1, 2]);
    // As if the persisted set was last renewed 40 s ago and the last full renewal was 5 s ago: not due.
    await redis.pexpire(keys.persisted, 50_000);
    await redis.hset(keys.state, 'refreshed', Date.now() - 5_000);
    received(await shortLived.receive('renew', items([5])));
    expect(await redis.pttl(keys.persisted)).toBeLessThanOrEqual(50_000);
    for (const key of [keys.state, keys.received, keys.fingerprints, keys.inflight]) {
      expect(await redis.pttl(key)).toBeGreaterThan(85_000);
    }
    // 11 s since the last full renewal: the next receive renews every key again.
    await redis.hset(keys.state, 'refreshed', Date.now() - 11_000);
    received(await shortLived.receive('renew', items([6])));
    expect(await redis.pttl(keys.persisted)).toBeGreaterThan(85_000);
    expect(Number(await redis.hget(keys.state, 'refreshed'))).toBeGreaterThan(Date.now() - 5_000);
  });

  it('gives every key of a space a lifetime, and watches only active or open spaces', async () => {
    received(await store.receive('ttl', items(span(1, 2))));
    const keys = spaceKeys(prefix, 'ttl');
    for (const key of [keys.state, keys.received, keys.fingerprints, keys.inflight]) {
      expect(await redis.pttl(key)).toBeGreaterThan(0);
    }
    expect(await store.spacesToWatch(60_000)).toEqual(['ttl']);
    // Idle past the watcher's idle time: it leaves the active set, unless the watcher marked it open.
    await redis.zadd(activeSpacesKey(prefix), Date.now() - 120_000, 'ttl', Date.now() - 120_000, 'idle-open');
    await store.markOpen('idle-open', true);
    expect(await store.spacesToWatch(60_000)).toEqual(['idle-open']);
    expect(await redis.zcard(activeSpacesKey(prefix))).toBe(0);
    await store.markOpen('idle-open', false);
    expect(await store.spacesToWatch(60_000)).toEqual([]);
  });
});
