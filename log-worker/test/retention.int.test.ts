import { Queue, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { QUEUE_NAMES, type IngestJobData } from '@logstream/shared-types';
import type { Connection } from 'mongoose';
import {
  hourOf,
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
      JOB_KEEP_FAILED: '3',
      JOB_KEEP_FAILED_S: '3600',
      // Dead-letter queue jobs leave Redis at the first sweep after MongoDB holds their letter.
      DEAD_LETTER_REDIS_MS: '0',
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

  /** A log as the worker stores it (with `hour`), or as a version before `hour` existed stored it (`legacy`). */
  function storedLog(id: string, service: string, ageMs: number, legacy = false) {
    const ts = new Date(Date.now() - ageMs);
    return {
      _id: id,
      service,
      stream: service,
      level: 'info',
      message: id,
      ts,
      minute: minuteOf(ts),
      ...(legacy ? {} : { hour: hourOf(ts) }),
      receivedAt: ts,
      storedAt: ts,
      batchId: 'seed',
      flushRef: 'seed:1',
    };
  }

  /** The minute rollups the worker would have written for these logs (legacy ones without `hour`). */
  function rollupsOf(logs: ReturnType<typeof storedLog>[]) {
    const buckets = new Map<string, Record<string, unknown> & { count: number }>();
    for (const log of logs) {
      const id = rollupId(log.minute, log.service, log.level);
      const bucket = buckets.get(id) ?? {
        _id: id,
        minute: log.minute,
        ...('hour' in log ? { hour: log.hour } : {}),
        service: log.service,
        level: log.level,
        count: 0,
      };
      bucket.count += 1;
      buckets.set(id, bucket);
    }
    return [...buckets.values()];
  }

  it('removes logs older than their retention, keeps fresh ones, and removes rollups older than the longest', async () => {
    const seeded = [
      // Default retention (7 days): 250 old ones over 250 minutes (many hours, some statements per minute) and 10
      // fresh ones.
      ...Array.from({ length: 250 }, (_, i) => storedLog(`old-${i}`, 'web', 8 * DAY + i * 60_000)),
      ...Array.from({ length: 10 }, (_, i) => storedLog(`fresh-${i}`, 'web', DAY)),
      // 120 in one minute: more than a delete batch (50), so that hour goes minute by minute.
      ...Array.from({ length: 120 }, (_, i) => storedLog(`dense-${i}`, 'web', 9 * DAY + i)),
      // `audit` keeps 30 days, `debug-spam` 1 day.
      storedLog('audit-10d', 'audit', 10 * DAY),
      storedLog('audit-40d', 'audit', 40 * DAY),
      storedLog('spam-2d', 'debug-spam', 2 * DAY),
      storedLog('spam-1h', 'debug-spam', 60 * 60 * 1000),
      // Stored before logs had an `hour`: found by the range pass.
      storedLog('legacy-old', 'web', 9 * DAY, true),
      storedLog('legacy-fresh', 'web', DAY, true),
    ];
    await models.Log.collection.insertMany(seeded as never[]);
    await models.RetentionOverride.insertMany([
      { _id: 'audit', days: 30, updatedAt: new Date() },
      { _id: 'debug-spam', days: 1, updatedAt: new Date() },
    ]);
    const legacyMinute = minuteOf(new Date(Date.now() - 31 * DAY));
    await models.Rollup.collection.insertMany([
      ...rollupsOf(seeded),
      { _id: rollupId(legacyMinute, 'web', 'info'), minute: legacyMinute, service: 'web', level: 'info', count: 1 },
    ] as never[]);

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
    const kept = ['audit-10d', 'spam-1h', 'legacy-fresh', ...Array.from({ length: 10 }, (_, i) => `fresh-${i}`)];
    let left: string[] = [];
    await waitFor(
      async () => (left = await remaining()).length === kept.length,
      90_000,
      'old logs were not swept',
    ).catch((error: Error) => {
      throw new Error(`${error.message}: ${left.length} left, e.g. ${left.slice(0, 8).join(' ')}`);
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
    expect((await remaining()).sort()).toEqual(kept.sort());
    expect(await models.Log.countDocuments({ message: 'arrived during sweeps' })).toBe(1);
    // Rollups older than the longest retention (30 days) are gone, younger ones stay (they count what was stored).
    const olderThan30Days = await models.Rollup.countDocuments({ minute: { $lt: new Date(Date.now() - 30 * DAY) } });
    expect(olderThan30Days).toBe(0);
    expect(await models.Rollup.countDocuments({ service: 'audit' })).toBe(1);
    expect(
      await models.Rollup.countDocuments({ minute: { $lt: new Date(Date.now() - 7 * DAY) }, service: 'web' }),
    ).toBeGreaterThan(100);
    const status = await models.RetentionStatus.findById(RETENTION_STATUS_ID).lean();
    expect(status).toMatchObject({ defaultDays: 7, ttlIndex: false, sweepIntervalMs: 300 });
  });

  it('keeps the Redis key count flat over a long run: completed jobs trimmed and capped', async () => {
    const prefix = stack.env.QUEUE_PREFIX as string;
    const samples: number[] = [];
    // Rounds go on until the completed set has been at its cap (20) for eight rounds: requests arriving together
    // share a job (group commit), so how many rounds fill it depends on how they were grouped.
    let cappedAt: number | undefined;
    let sent = 0;
    for (let round = 0; round < 60 && (cappedAt === undefined || samples.length < cappedAt + 9); round++) {
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
      // Stored is not yet done: a job completes once its logs' rollup increments are written too (ROLLUP_DELAY_MS),
      // and until then its lock key is there. Sample the keys with the queue at rest.
      await waitFor(
        async () =>
          (await redis.llen(`${prefix}:logs-ingest:active`)) === 0 &&
          (await redis.llen(`${prefix}:logs-ingest:wait`)) === 0,
        30_000,
        'jobs not completed',
      );
      await waitFor(
        async () => (await redis.zcard(`${prefix}:logs-ingest:completed`)) <= 20,
        30_000,
        'completed set not capped',
      );
      samples.push((await scanKeys(`${prefix}:*`)).length);
      if (cappedAt === undefined && (await redis.zcard(`${prefix}:logs-ingest:completed`)) === 20) {
        cappedAt = samples.length - 1;
      }
    }
    // Once the completed set is at its cap, more requests add no key (a lock key or two may come and go between
    // samples).
    expect(cappedAt).toBeDefined();
    const baseline = samples[cappedAt as number] as number;
    expect(samples.length).toBeGreaterThanOrEqual((cappedAt as number) + 9);
    expect(Math.max(...samples.slice(cappedAt))).toBeLessThanOrEqual(baseline + 2);
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
    // One request's 20 logs, or several requests' when they were committed together.
    expect(data).toMatchObject({ logs: [] });
    expect((data as { trimmedLogs: number }).trimmedLogs % 20).toBe(0);
    expect((data as { trimmedLogs: number }).trimmedLogs).toBeGreaterThanOrEqual(20);
  });

  it('keeps at most JOB_KEEP_FAILED failed jobs and drains dead-letter queue jobs once MongoDB holds their letters', async () => {
    const prefix = stack.env.QUEUE_PREFIX as string;
    const ingest = new Queue<IngestJobData>(QUEUE_NAMES.ingest, { connection: redis, prefix });
    const deadLetterQueue = new Queue(QUEUE_NAMES.deadLetter, { connection: redis, prefix });
    try {
      // A job the API enqueued carries its failure cap.
      const res = await fetch(`${stack.apiUrl}/ingest`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ service: 'capped', logs: [{ level: 'info', message: 'one' }] }),
      });
      expect(res.status).toBe(202);
      let apiJob: Job<IngestJobData> | undefined;
      await waitFor(
        async () => {
          // Only the API has added jobs to this queue so far (their payloads may already be trimmed).
          apiJob = (await ingest.getJobs(['completed', 'active', 'waiting', 'delayed'])).find(Boolean);
          return apiJob !== undefined;
        },
        30_000,
        'the API job was not found',
      );
      expect(apiJob?.opts.removeOnFail).toEqual({ age: 3600, count: 3 });

      // Six jobs that can never succeed, with the API's options: each is dead-lettered at once.
      const poison = Array.from({ length: 6 }, (_, i) => `poison-${i}-${prefix}`);
      for (const id of poison) {
        await ingest.add('ingest', { batchId: id, logs: 'not-an-array' } as unknown as IngestJobData, {
          ...apiJob?.opts,
          jobId: id,
        });
      }
      await waitFor(
        async () => (await models.DeadLetter.countDocuments({ _id: { $in: poison } })) === poison.length,
        60_000,
        'poison jobs were not dead-lettered',
      );
      expect(await ingest.getFailedCount()).toBeLessThanOrEqual(3);
      // The sweeper drains the dead-letter queue; the letters stay in MongoDB.
      await waitFor(
        async () => (await deadLetterQueue.getJobCounts('waiting', 'delayed', 'paused')).waiting === 0,
        60_000,
        'dead-letter queue not drained',
      );
      const left = await deadLetterQueue.getJobCounts('waiting', 'delayed', 'paused');
      expect(left).toEqual({ waiting: 0, delayed: 0, paused: 0 });
      expect(await models.DeadLetter.countDocuments({ _id: { $in: poison } })).toBe(poison.length);
    } finally {
      await ingest.close();
      await deadLetterQueue.close();
    }
  });
});
