import { Redis } from 'ioredis';
import type { Connection } from 'mongoose';
import {
  minuteOf,
  rollupId,
  connectMongo,
  createModels,
  RETENTION_STATUS_ID,
  type Models,
} from '@logstream/storage';
import { startTestStack, waitFor, type TestStack } from '@logstream/devstack';

const DAY = 24 * 60 * 60 * 1000;

/** Retention and bounded Redis, with the real API and worker processes. */
describe('retention and bounded Redis (processes)', () => {
  let stack: TestStack;
  let connection: Connection;
  let models: Models;
  let redis: Redis;

  beforeAll(async () => {
    stack = await startTestStack('retention', {
      RETENTION_DAYS: '7',
      RETENTION_SWEEP_MS: '300',
      RETENTION_BATCH_SIZE: '50',
      RETENTION_BATCH_PAUSE_MS: '0',
      JOB_KEEP_COMPLETED: '20',
      JOB_KEEP_COMPLETED_S: '3600',
    });
    connection = await connectMongo(stack.env.MONGO_URL as string);
    models = createModels(connection);
    redis = new Redis(stack.env.REDIS_URL as string);
  });

  afterAll(async () => {
    await stack?.stop();
    if (redis) {
      const keys = await scanKeys(`${stack.env.QUEUE_PREFIX}:*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    }
    await connection?.dropDatabase();
    await connection?.close();
  });

  async function scanKeys(pattern: string): Promise<string[]> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    return keys;
  }

  function storedLog(id: string, service: string, ageMs: number) {
    const ts = new Date(Date.now() - ageMs);
    return {
      _id: id,
      service,
      stream: service,
      level: 'info',
      message: id,
      ts,
      minute: minuteOf(ts),
      receivedAt: ts,
      storedAt: ts,
      batchId: 'seed',
      flushRef: 'seed:1',
    };
  }

  it('removes logs older than their retention, keeps fresh ones, and removes rollups older than the longest', async () => {
    const seeded = [
      // Default retention (7 days): 250 old ones (several delete batches) and 10 fresh ones.
      ...Array.from({ length: 250 }, (_, i) => storedLog(`old-${i}`, 'web', 8 * DAY + i)),
      ...Array.from({ length: 10 }, (_, i) => storedLog(`fresh-${i}`, 'web', DAY)),
      // `audit` keeps 30 days, `debug-spam` 1 day.
      storedLog('audit-10d', 'audit', 10 * DAY),
      storedLog('audit-40d', 'audit', 40 * DAY),
      storedLog('spam-2d', 'debug-spam', 2 * DAY),
      storedLog('spam-1h', 'debug-spam', 60 * 60 * 1000),
    ];
    await models.Log.collection.insertMany(seeded as never[]);
    await models.RetentionOverride.insertMany([
      { _id: 'audit', days: 30, updatedAt: new Date() },
      { _id: 'debug-spam', days: 1, updatedAt: new Date() },
    ]);
    const oldMinute = minuteOf(new Date(Date.now() - 31 * DAY));
    const recentMinute = minuteOf(new Date(Date.now() - 20 * DAY));
    await models.Rollup.insertMany([
      { _id: rollupId(oldMinute, 'web', 'info'), minute: oldMinute, service: 'web', level: 'info', count: 1 },
      {
        _id: rollupId(recentMinute, 'web', 'info'),
        minute: recentMinute,
        service: 'web',
        level: 'info',
        count: 1,
      },
    ]);

    await stack.startApi();
    await stack.startWorker();
    // Fresh logs arriving while the sweeper runs are stored and stay.
    const res = await fetch(`${stack.apiUrl}/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ service: 'web', logs: [{ level: 'info', message: 'arrived during sweeps' }] }),
    });
    expect(res.status).toBe(202);

    const remaining = async () =>
      (await models.Log.find({}, { _id: 1 }).lean())
        .map((doc) => String(doc._id))
        .filter((id) => !id.includes(':'));
    let left: string[] = [];
    await waitFor(
      async () => (left = await remaining()).length === 12,
      90_000,
      'old logs were not swept',
    ).catch((error: Error) => {
      throw new Error(
        `${error.message}: ${left.length} left, e.g. ${left.filter((id) => !id.startsWith('old-')).join(' ')}`,
      );
    });
    // Two more sweeps after that: nothing fresh goes.
    const { lastSweepAt } = (await models.RetentionStatus.findById(RETENTION_STATUS_ID).lean()) ?? {};
    await waitFor(
      async () => {
        const status = await models.RetentionStatus.findById(RETENTION_STATUS_ID).lean();
        return (status?.lastSweepAt?.getTime() ?? 0) > (lastSweepAt?.getTime() ?? 0) + 600;
      },
      30_000,
      'no further sweeps',
    );
    expect((await remaining()).sort()).toEqual(
      ['audit-10d', 'spam-1h', ...Array.from({ length: 10 }, (_, i) => `fresh-${i}`)].sort(),
    );
    expect(await models.Log.countDocuments({ message: 'arrived during sweeps' })).toBe(1);
    expect(
      (await models.Rollup.find({ minute: { $lt: new Date(Date.now() - DAY) } }).lean()).map((r) => r._id),
    ).toEqual([rollupId(recentMinute, 'web', 'info')]);
    const status = await models.RetentionStatus.findById(RETENTION_STATUS_ID).lean();
    expect(status).toMatchObject({ defaultDays: 7, ttlIndex: false, sweepIntervalMs: 300 });
  });

  it('keeps the Redis key count flat over a long run: completed jobs trimmed and capped', async () => {
    const prefix = stack.env.QUEUE_PREFIX as string;
    const samples: number[] = [];
    let sent = 0;
    for (let round = 0; round < 12; round++) {
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          fetch(`${stack.apiUrl}/ingest`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              service: 'steady',
              logs: Array.from({ length: 20 }, (_, j) => ({
                level: 'info',
                message: `r${round} q${i} l${j}`,
              })),
            }),
          }).then((r) => expect(r.status).toBe(202)),
        ),
      );
      sent += 200;
      await waitFor(
        async () => (await models.Log.countDocuments({ service: 'steady' })) === sent,
        60_000,
        'not stored',
      );
      await waitFor(
        async () => (await redis.zcard(`${prefix}:logs-ingest:completed`)) <= 20,
        30_000,
        'completed set not capped',
      );
      samples.push((await scanKeys(`${prefix}:*`)).length);
    }
    // After the first rounds filled the completed set to its cap, 80 more requests add no key (a lock key or two may
    // come and go between samples).
    const baseline = Math.max(samples[2] as number, samples[3] as number);
    expect(Math.max(...samples.slice(4))).toBeLessThanOrEqual(baseline + 2);
    const completed = await redis.zrange(`${prefix}:logs-ingest:completed`, 0, -1);
    expect(completed.length).toBeGreaterThan(0);
    let data: unknown;
    await waitFor(
      async () => {
        const raw = await redis.hget(`${prefix}:logs-ingest:${completed[completed.length - 1]}`, 'data');
        data = raw ? JSON.parse(raw) : undefined;
        return (data as { logs?: unknown[] } | undefined)?.logs?.length === 0;
      },
      10_000,
      'completed job payload not dropped',
    );
    expect(data).toMatchObject({ logs: [], trimmedLogs: 20 });
  });
});
