import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { chromium, type Browser } from 'playwright-core';
import {
  DEAD_LETTER_JOB_NAME,
  QUEUE_NAMES,
  queueLayout,
  type DeadLetterJobData,
  type IngestJobData,
} from '@logstream/shared-types';
import { mongoUrlWithDb, testMongoUrl, testRedisUrl, uniqueName, waitFor } from '@logstream/devstack';
import { connectMongo, createModels } from '@logstream/storage';
import type { Connection } from 'mongoose';
import { createApp } from '../app';
import { loadConfig } from '../config';
import { createOperations, type Operations } from '../http/create-operations';
import { operationRoutes } from '../http/operation-routes';
import { mountOperations, routeGuard } from '../http/operations';
import { createRedis, IngestQueues } from '@logstream/runtime';

const ADMIN_KEY = 'board-admin-key-0123456789';

/** Where the screenshots go, for a person to look at. */
const SHOTS = process.env.LOGSTREAM_SCREENSHOT_DIR ?? os.tmpdir();

/** The BullMQ board rendered by Debian's Chromium, behind basic auth, with the CSP it is given. */
describe('BullMQ board in a browser', () => {
  let redis: Redis;
  let queue: Queue<IngestJobData>;
  let operations: Operations;
  let server: Server;
  let base: string;
  let browser: Browser;
  let mongo: Connection;

  beforeAll(async () => {
    const prefix = uniqueName('board');
    const config = loadConfig({ REDIS_URL: testRedisUrl(), QUEUE_PREFIX: prefix, ADMIN_KEY });
    redis = createRedis({ url: config.REDIS_URL }, { service: 'api', purpose: 'requests' });
    await waitFor(() => redis.status === 'ready', 10_000, 'redis did not connect');
    queue = new Queue<IngestJobData>(QUEUE_NAMES.ingest, { connection: redis, prefix });
    const logger = pino({ level: 'silent' });
    mongo = await connectMongo(mongoUrlWithDb(testMongoUrl(), prefix));
    const models = createModels(mongo);
    operations = createOperations({
      config,
      redis,
      ingestQueues: new IngestQueues({
        layout: queueLayout({ partitions: 1, cluster: false }),
        connection: redis,
        prefix,
      }),
      models: async () => models,
      logger,
      defaultMetrics: false,
    });
    const app = createApp({
      routes: operationRoutes(operations.routes),
      logger,
      development: false,
      before: (expressApp) => mountOperations(expressApp, operations.mount),
      guard: routeGuard(operations.mount),
    });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

    const receivedAt = new Date().toISOString();
    await queue.add(
      'ingest',
      {
        batchId: 'board-demo',
        receivedAt,
        logs: [
          { id: 'board-demo-0', service: 'payment', level: 'info', message: 'card charged', ts: receivedAt },
        ],
      },
      { jobId: 'board-demo' },
    );
    const letter: DeadLetterJobData = {
      jobId: 'poison-demo',
      reason: 'invalid ingest job payload at logs: Invalid input: expected array, received string',
      attemptsMade: 1,
      failedAt: receivedAt,
      logCount: 0,
      data: { batchId: 'poison-demo', logs: 'nope' },
    };
    await operations.mount.queues.deadLetter.add(DEAD_LETTER_JOB_NAME, letter, { jobId: 'poison-demo' });
    // A real worker fails the job, so the board shows it in the failed set with its error.
    const workerRedis = createRedis({ url: config.REDIS_URL }, { service: 'api', purpose: 'blocking' });
    const worker = new Worker(
      QUEUE_NAMES.ingest,
      async () => {
        throw new UnrecoverableError('MongoDB is unreachable (demo)');
      },
      { connection: workerRedis, prefix },
    );
    await waitFor(
      async () => (await queue.getJobState('board-demo')) === 'failed',
      20_000,
      'the job did not fail',
    );
    await worker.close();
    await workerRedis.quit();
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
    await queue?.obliterate({ force: true });
    await operations?.mount.queues.deadLetter.obliterate({ force: true });
    await operations?.close();
    await queue?.close();
    await redis?.quit();
    await mongo?.dropDatabase();
    await mongo?.close();
  });

  it('asks for credentials, renders both queues, a dead letter and a failed job, and retries it, without CSP violations', async () => {
    const anonymous = await browser.newContext();
    // A browser page would show its credentials prompt; headless Chromium cannot, so ask through the context.
    const refused = await anonymous.request.get(`${base}/admin/queues`);
    expect(refused.status()).toBe(401);
    expect(refused.headers()['www-authenticate']).toContain('Basic realm="LogStream admin"');
    await anonymous.close();

    const context = await browser.newContext({
      httpCredentials: { username: 'ops', password: ADMIN_KEY },
      viewport: { width: 1280, height: 800 },
    });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));

    const response = await page.goto(`${base}/admin/queues`);
    expect(response?.status()).toBe(200);
    await page.getByText(QUEUE_NAMES.ingest, { exact: false }).first().waitFor({ timeout: 20_000 });
    await page.getByText(QUEUE_NAMES.deadLetter, { exact: false }).first().waitFor({ timeout: 20_000 });
    await page.screenshot({ path: path.join(SHOTS, 'logstream-board-overview.png'), fullPage: true });

    await page.goto(`${base}/admin/queues/queue/${QUEUE_NAMES.deadLetter}?status=waiting`);
    await page.getByText('poison-demo', { exact: false }).first().waitFor({ timeout: 20_000 });
    await page.screenshot({ path: path.join(SHOTS, 'logstream-board-dead-letter.png'), fullPage: true });

    await page.goto(`${base}/admin/queues/queue/${QUEUE_NAMES.ingest}?status=failed`);
    await page
      .getByText('MongoDB is unreachable (demo)', { exact: false })
      .first()
      .waitFor({ timeout: 20_000 });
    await page.screenshot({ path: path.join(SHOTS, 'logstream-board-failed-job.png'), fullPage: true });
    await page.getByRole('button', { name: /retry all/i }).click();
    const confirm = page.getByRole('button', { name: 'Confirm' });
    await confirm.waitFor({ timeout: 10_000 });
    await page.screenshot({ path: path.join(SHOTS, 'logstream-board-retry-confirm.png') });
    await confirm.click();
    await waitFor(
      async () => (await queue.getJobState('board-demo')) === 'waiting',
      20_000,
      'board retry did not requeue',
    );

    // No third-party font is even requested (the page is rewritten), so nothing is blocked: no console error at all.
    expect(problems).toEqual([]);

    // The dashboard's link passes its theme; the board opens in it.
    await page.goto(`${base}/admin/queues?theme=light`);
    await page.getByText(QUEUE_NAMES.ingest, { exact: false }).first().waitFor({ timeout: 20_000 });
    const saved = await page.evaluate(() => localStorage.getItem('board-settings'));
    expect(JSON.parse(saved ?? '{}').state.theme).toBe('light');
    await page.screenshot({ path: path.join(SHOTS, 'logstream-board-light.png') });
    expect(problems).toEqual([]);
    await context.close();
  });
});
