import { Redis } from 'ioredis';
import { testRedisUrl, uniqueName } from '@logstream/devstack';
import type { MetricsSnapshot } from '@logstream/shared-types';
import { queueHistoryHandler } from '../handlers/stats';
import { MetricsHistory, metricsHistoryKey } from './metrics-history';

function snapshot(second: number): MetricsSnapshot {
  return {
    at: new Date(Date.UTC(2026, 10, 23, 8, 0, second)).toISOString(),
    acceptedPerSec: second,
    storedPerSec: second / 2,
    refusedPerSec: 0,
    e2eLatencyMs: null,
    queue: { waiting: second, active: 1, completed: 200, failed: 0, delayed: 0 },
    workers: 1,
    faults: {
      enabled: true,
      workerCrashedUntil: null,
      networkFailureUntil: null,
      delayAckUntil: null,
      delayAckMs: 0,
    },
  };
}

/** The Queue page's history: snapshots kept in Redis, bounded, returned oldest first. */
describe('metrics history', () => {
  const prefix = uniqueName('history');
  let redis: Redis;

  beforeAll(() => {
    redis = new Redis(testRedisUrl());
  });
  afterAll(async () => {
    await redis.del(metricsHistoryKey(prefix));
    await redis.quit();
  });

  it('keeps the newest snapshots up to its size and serves them oldest first', async () => {
    const history = new MetricsHistory(redis, prefix, 3);
    for (let second = 0; second < 5; second += 1) await history.record(snapshot(second));
    expect(await redis.llen(metricsHistoryKey(prefix))).toBe(3);
    const kept = await history.recent();
    expect(kept.map((s) => s.acceptedPerSec)).toEqual([2, 3, 4]);
    expect(kept[2]).toEqual(snapshot(4));

    const answer = await queueHistoryHandler(history)({} as never);
    expect(answer).toEqual({ status: 200, body: { snapshots: kept } });
  });

  it('skips entries it cannot read instead of failing the page', async () => {
    const history = new MetricsHistory(redis, prefix, 3);
    await redis.lpush(metricsHistoryKey(prefix), 'not json', JSON.stringify({ at: 'yesterday' }));
    const kept = await history.recent();
    expect(kept.map((s) => s.acceptedPerSec)).toEqual([4]);
  });
});
