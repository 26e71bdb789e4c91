import net from 'node:net';
import { Queue } from 'bullmq';
import type { Express } from 'express';
import type { Redis } from 'ioredis';
import type { Connection } from 'mongoose';
import pino from 'pino';
import request from 'supertest';
import {
  DEAD_LETTER_RETRY_JOB_NAME,
  QUEUE_NAMES,
  queueLayout,
  type IngestJobData,
} from '@logstream/shared-types';
import { connectMongo, createModels, type Models } from '@logstream/storage';
import {
  freePort,
  mongoUrlWithDb,
  startApp,
  testMongoUrl,
  testRedisUrl,
  uniqueName,
  waitFor,
  waitForHttp,
  type AppProcess,
} from '@logstream/devstack';
import { createApp } from '../app';
import { loadConfig } from '../config';
import { createOperations, type Operations } from '../http/create-operations';
import { operationRoutes } from '../http/operation-routes';
import { mountOperations, routeGuard } from '../http/operations';
import { createRedis, IngestQueues } from '@logstream/runtime';

const ADMIN_KEY = 'dead-letter-admin-key-0123';

/** A TCP proxy to MongoDB that the test can cut and restore, so the worker sees the database become unreachable. */
class CuttableProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();

  constructor(
    private readonly target: { host: string; port: number },
    readonly port: number,
  ) {}

  async open(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.target);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.server = server;
  }

  /** Refuses new connections and drops the open ones. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}

const metricValue = (text: string, name: string) =>
  Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? NaN);

describe('dead letters: a worker process, the API in-process, real Redis and MongoDB-wire server', () => {
  let prefix: string;
  let redis: Redis;
  let queue: Queue<IngestJobData>;
  let operations: Operations;
  let app: Express;
  let proxy: CuttableProxy;
  let worker: AppProcess;
  let workerMetricsUrl: string;
  let connection: Connection;
  let models: Models;

  const workerMetrics = async () => (await fetch(workerMetricsUrl)).text();
  const admin = () => ({ 'x-api-key': ADMIN_KEY });

  beforeAll(async () => {
    prefix = uniqueName('dlq');
    const config = loadConfig({
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: prefix,
      AUTH_REQUIRED: 'false',
      ADMIN_KEY,
    });
    redis = createRedis({ url: config.REDIS_URL }, { service: 'api', purpose: 'requests' });
    await waitFor(() => redis.status === 'ready', 10_000, 'redis did not connect');
    queue = new Queue<IngestJobData>(QUEUE_NAMES.ingest, {
      connection: redis,
      prefix,
      defaultJobOptions: { attempts: 2, backoff: { type: 'fixed', delay: 200 }, removeOnFail: false },
    });
    const logger = pino({ level: 'silent' });
    operations = createOperations({
      config,
      redis,
      ingestQueues: new IngestQueues({
        layout: queueLayout({ partitions: 1, cluster: false }),
        connection: redis,
        prefix,
      }),
      // API keys live in MongoDB; the connection below is made before any request.
      models: async () => models,
      logger,
      defaultMetrics: false,
    });
    app = createApp({
      routes: operationRoutes(operations.routes),
      logger,
      development: false,
      before: (expressApp) => mountOperations(expressApp, operations.mount),
      guard: routeGuard(operations.mount),
    });

    const mongo = new URL(testMongoUrl());
    proxy = new CuttableProxy({ host: mongo.hostname, port: Number(mongo.port || 27017) }, await freePort());
    await proxy.open();
    const healthPort = await freePort();
    workerMetricsUrl = `http://127.0.0.1:${healthPort}/metrics`;
    worker = startApp('log-worker', {
      REDIS_URL: testRedisUrl(),
      MONGO_URL: mongoUrlWithDb(`mongodb://127.0.0.1:${proxy.port}/`, prefix),
      QUEUE_PREFIX: prefix,
      HEALTH_PORT: String(healthPort),
      FLUSH_MS: '20',
    });
    await waitForHttp(`http://127.0.0.1:${healthPort}/ready`);
    connection = await connectMongo(mongoUrlWithDb(testMongoUrl(), prefix));
    models = createModels(connection);
  });

  afterAll(async () => {
    await worker?.stop();
    await proxy?.cut();
    await queue?.obliterate({ force: true });
    await operations?.mount.queues.deadLetter.obliterate({ force: true });
    await operations?.close();
    await queue?.close();
    await redis?.quit();
    await connection?.dropDatabase();
    await connection?.close();
  });

  it('dead-letters a poison job at once, lists it, and a re-enqueued poison job dead-letters again', async () => {
    const poisonId = `poison-${prefix}`;
    await queue.add('ingest', { batchId: poisonId, logs: 'not-an-array' } as unknown as IngestJobData, {
      jobId: poisonId,
    });

    await waitFor(
      async () => (await models.DeadLetter.countDocuments({ _id: poisonId })) === 1,
      20_000,
      'no dead letter',
    );
    const letter = await models.DeadLetter.findById(poisonId).lean();
    expect(letter?.reason).toContain('invalid ingest job payload');
    expect(letter?.attemptsMade).toBe(1);
    expect(await (await queue.getJob(poisonId))?.getState()).toBe('failed');

    expect((await request(app).get('/dead-letters')).status).toBe(401);
    const listed = await request(app).get('/dead-letters').set(admin());
    expect(listed.status).toBe(200);
    expect(listed.body.deadLetters).toEqual([
      expect.objectContaining({ jobId: poisonId, ingestJobState: 'failed', attemptsMade: 1, logCount: 0 }),
    ]);
    expect(metricValue(await workerMetrics(), 'logstream_worker_dead_letters_total')).toBe(1);

    // The failed job is gone (e.g. cleaned from the board): the retry makes a new job from the dead letter's copy.
    await (await queue.getJob(poisonId))?.remove();
    const retry = await request(app).post(`/dead-letters/${poisonId}/retry`).set(admin());
    expect(retry.status).toBe(202);
    expect(retry.body).toEqual({ jobId: poisonId, outcome: 're-enqueued' });
    await waitFor(
      async () =>
        (await queue.getJob(poisonId))?.name === DEAD_LETTER_RETRY_JOB_NAME &&
        (await queue.getJobState(poisonId)) === 'failed',
      20_000,
      'the re-enqueued poison job did not fail',
    );
    await waitFor(
      async () => metricValue(await workerMetrics(), 'logstream_worker_dead_letters_total') === 2,
      20_000,
      'not dead-lettered again',
    );
    expect((await models.DeadLetter.findById(poisonId).lean())?.retriedAt).toBeNull();

    expect((await request(app).post('/dead-letters/nope/retry').set(admin())).status).toBe(404);
  });

  it('dead-letters logs that could not be stored while MongoDB was unreachable, and a retry stores them exactly once', async () => {
    await proxy.cut();
    const jobId = `outage-${prefix}`;
    const receivedAt = new Date().toISOString();
    const logs = [1, 2, 3].map((n) => ({
      id: `${jobId}-${n}`,
      service: 'payment',
      level: 'error' as const,
      message: `outage ${n}`,
      ts: receivedAt,
    }));
    await queue.add('ingest', { batchId: jobId, receivedAt, logs }, { jobId });

    // Both attempts fail (the driver cannot reach the server), so the job is dead-lettered on the queue side at once.
    await waitFor(
      async () => (await queue.getJobState(jobId)) === 'failed',
      90_000,
      'the job did not fail its attempts',
    );
    await waitFor(
      async () => (await operations.mount.queues.deadLetter.getJob(jobId)) !== undefined,
      20_000,
      'no dead-letter queue job',
    );
    const failed = await queue.getJob(jobId);
    expect(failed?.attemptsMade).toBe(2);

    // MongoDB comes back: the worker's pending dead_letters write goes through.
    await proxy.open();
    await waitFor(
      async () => (await models.DeadLetter.countDocuments({ _id: jobId })) === 1,
      90_000,
      'dead letter not stored',
    );
    const letter = await models.DeadLetter.findById(jobId).lean();
    expect(letter).toMatchObject({ batchId: jobId, logCount: 3, attemptsMade: 2, retriedAt: null });
    expect(await models.Log.countDocuments({ batchId: jobId })).toBe(0);

    const retry = await request(app).post(`/dead-letters/${jobId}/retry`).set(admin());
    expect(retry.status).toBe(202);
    expect(retry.body).toEqual({ jobId, outcome: 'retried' });
    await waitFor(
      async () => (await queue.getJobState(jobId)) === 'completed',
      30_000,
      'no completion',
    ).catch(async () => {
      const job = await queue.getJob(jobId);
      throw new Error(
        `the retried job is ${await job?.getState()} (${job?.failedReason}); worker output:\n${worker.output()}`,
      );
    });
    await waitFor(
      async () => (await models.DeadLetter.findById(jobId).lean())?.retriedAt instanceof Date,
      20_000,
      'retriedAt not set',
    );
    expect(await models.Log.countDocuments({ batchId: jobId })).toBe(3);

    // A second retry of a completed job is refused; nothing is stored twice.
    expect((await request(app).post(`/dead-letters/${jobId}/retry`).set(admin())).status).toBe(400);
    const listed = await request(app).get('/dead-letters').set(admin());
    expect(listed.body.deadLetters).toEqual(
      expect.arrayContaining([expect.objectContaining({ jobId, ingestJobState: 'completed', logCount: 3 })]),
    );

    const text = await workerMetrics();
    expect(metricValue(text, 'logstream_worker_logs_stored_total')).toBe(3);
    expect(metricValue(text, 'logstream_worker_insert_commands_total')).toBeGreaterThanOrEqual(1);
    expect(metricValue(text, 'logstream_worker_dead_letters_total')).toBe(3);
    expect(text).toMatch(/logstream_worker_e2e_latency_seconds_count 3/);
    expect(text).toMatch(/logstream_worker_batch_size_count [1-9]/);
    expect(text).toMatch(/logstream_worker_flush_duration_seconds_count [1-9]/);
    expect(text).toContain('logstream_worker_replays_total 0');
  });
});
