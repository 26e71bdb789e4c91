import type { Redis } from 'ioredis';
import { openTestRedis, type TestRedis } from '@logstream/devstack';
import { PipelineCounters } from './pipeline-counters';

describe('PipelineCounters on the real Redis', () => {
  let scratch: TestRedis;
  let redis: Redis;
  let prefix: string;

  beforeEach(() => {
    scratch = openTestRedis('counters');
    ({ redis, prefix } = scratch);
  });
  afterEach(() => scratch.drop());

  it('adds what several processes counted, and every reader gets the same rates', async () => {
    const now = Date.now();
    const at = now - 3_000;
    const api1 = new PipelineCounters(redis, prefix);
    const api2 = new PipelineCounters(redis, prefix);
    const worker = new PipelineCounters(redis, prefix);
    api1.add('accepted', 300, at);
    api2.add('accepted', 200, at);
    api2.add('refused', 5, at);
    worker.add('completedJobs', 10, at);
    worker.add('storedLogs', 500, at);
    for (const ms of [90, 100, 110, 120, 5_000]) worker.addLatency(ms, at);
    await Promise.all([api1.flush(), api2.flush(), worker.flush()]);

    const [one, two] = await Promise.all([api1.rates(5, now), worker.rates(5, now)]);
    expect(one).toEqual(two);
    expect(one.perSec).toEqual({ accepted: 100, refused: 1, completedJobs: 2, storedLogs: 100 });
    // The median of 90, 100, 110, 120 and 5000 ms, within a bucket's width.
    expect(one.e2eLatencyMs).toBeGreaterThanOrEqual(95);
    expect(one.e2eLatencyMs).toBeLessThanOrEqual(125);
    // Counts of the current second are not in the window yet (other processes may not have sent theirs).
    api1.add('accepted', 1_000, now);
    await api1.flush();
    expect((await api1.rates(5, now)).perSec.accepted).toBe(100);
  });

  it('reads zero rates and no latency when nothing was counted; keeps one key with only the recent seconds', async () => {
    const counters = new PipelineCounters(redis, prefix, { keepSeconds: 30 });
    expect(await counters.rates(2)).toEqual({
      perSec: { accepted: 0, refused: 0, completedJobs: 0, storedLogs: 0 },
      e2eLatencyMs: null,
    });
    const now = Date.now();
    counters.add('accepted', 1, now - 60_000);
    counters.add('accepted', 2, now - 10_000);
    counters.addLatency(40, now - 10_000);
    counters.add('accepted', 3, now);
    await counters.stop();
    expect(await redis.keys(`${prefix}:*`)).toEqual([`${prefix}:stats`]);
    const fields = Object.keys(await redis.hgetall(`${prefix}:stats`));
    expect(fields).toHaveLength(3);
    expect(fields.every((field) => Number(field.split(':')[0]) >= Math.floor(now / 1000) - 30)).toBe(true);
    expect(await redis.ttl(`${prefix}:stats`)).toBeGreaterThan(25);
  });
});
