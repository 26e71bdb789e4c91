import type { Queue } from 'bullmq';
import type { Express } from 'express';
import pino from 'pino';
import request from 'supertest';
import { AckStore } from '@logstream/ack-store';
import { QUEUE_NAMES, queueLayout, type IngestJobData } from '@logstream/shared-types';
import { mongoUrlWithDb, testMongoUrl, testRedisUrl, uniqueName, waitFor } from '@logstream/devstack';
import { connectMongo, createModels } from '@logstream/storage';
import { createApp } from '../app';
import { loadConfig } from '../config';
import { createRedis, IngestQueues } from '@logstream/runtime';
import { healthHandler } from '../handlers/health';
import { IngestService } from '../services/ingest-service';
import { createOperations, type Operations } from './create-operations';
import { operationRoutes } from './operation-routes';
import { mountOperations, routeGuard } from './operations';

const ADMIN_KEY = 'test-admin-key-0123456789';

/** The API app in-process with the real Redis and BullMQ, as main.ts wires it. */
async function buildApp(env: Record<string, string>) {
  const prefix = uniqueName('ops');
  const config = loadConfig({ REDIS_URL: testRedisUrl(), QUEUE_PREFIX: prefix, ...env });
  const redis = createRedis({ url: config.REDIS_URL }, { service: 'api', purpose: 'requests' });
  await waitFor(() => redis.status === 'ready', 10_000, 'redis did not connect');
  const queues = new IngestQueues({
    layout: queueLayout({ partitions: 1, cluster: false }),
    connection: redis,
    prefix,
  });
  const queue = queues.all[0] as Queue<IngestJobData>;
  const logger = pino({ level: 'silent' });
  const ingest = new IngestService(queues, new AckStore(redis, { prefix }));
  const mongo = await connectMongo(mongoUrlWithDb(testMongoUrl(), prefix));
  const models = createModels(mongo);
  const operations = createOperations({
    config,
    redis,
    ingestQueues: queues,
    models: async () => models,
    logger,
    defaultMetrics: false,
  });
  const app = createApp({
    // The ingest service behind the guard is the real one; the lead's handler adds faults and backpressure around it.
    routes: [
      {
        method: 'post',
        path: '/ingest',
        handler: async (req) => ({ status: 202, body: await ingest.ingest(req.body) }),
        access: 'key',
        json: true,
      },
      { method: 'get', path: '/health', handler: healthHandler, access: 'public' },
      ...operationRoutes(operations.routes),
    ],
    logger,
    development: false,
    before: (expressApp) => mountOperations(expressApp, operations.mount),
    guard: routeGuard(operations.mount),
  });
  const close = async () => {
    await mongo.dropDatabase();
    await mongo.close();
    await queue.obliterate({ force: true });
    await operations.mount.queues.deadLetter.obliterate({ force: true });
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await operations.close();
    await queue.close();
    await redis.quit();
  };
  return { app, queue, redis, operations, close };
}

const log = (service: string, message = 'hello') => ({ service, level: 'info', message });

describe('operations with auth required (in-process app, real Redis)', () => {
  let app: Express;
  let queue: Queue<IngestJobData>;
  let operations: Operations;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ app, queue, operations, close } = await buildApp({
      ADMIN_KEY,
      AUTH_REQUIRED: 'true',
      RATE_LIMIT_PER_SEC: '5',
      RATE_LIMIT_BURST: '3',
    }));
  });
  afterAll(async () => close());

  const createKey = async (service: string) => {
    const res = await request(app).post('/keys').set('x-api-key', ADMIN_KEY).send({ service });
    expect(res.status).toBe(201);
    return res.body as { id: string; key: string; service: string; prefix: string };
  };

  it('answers 401 without a key or with a wrong one, 403 for another service, 202 for the right one', async () => {
    const { key } = await createKey('payment');
    const missing = await request(app).post('/ingest').send(log('payment'));
    expect(missing.status).toBe(401);
    expect(missing.body.error.code).toBe('unauthorized');
    const wrong = await request(app).post('/ingest').set('x-api-key', 'lsk_not-a-key').send(log('payment'));
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('unauthorized');

    const other = await request(app)
      .post('/ingest')
      .set('Authorization', `Bearer ${key}`)
      .send([log('payment'), log('auth')]);
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('forbidden');
    expect(other.body.error.message).toContain('"payment"');
    expect(other.body.error.message).toContain('"auth"');
    const envelope = await request(app)
      .post('/ingest')
      .set('x-api-key', key)
      .send({ service: 'auth', logs: [{ level: 'info', message: 'm' }] });
    expect(envelope.status).toBe(403);

    const ok = await request(app)
      .post('/ingest')
      .set('x-api-key', key)
      .send([log('payment', 'a'), log('payment', 'b')]);
    expect(ok.status).toBe(202);
    expect(ok.body.accepted).toBe(2);
    const job = await queue.getJob(ok.body.batchId as string);
    expect(job?.data.logs.map((l) => l.service)).toEqual(['payment', 'payment']);
  });

  it('manages keys behind the admin key: create shows the key once, list never, revoke stops it at once', async () => {
    expect((await request(app).post('/keys').send({ service: 'billing' })).status).toBe(401);
    expect((await request(app).get('/keys').set('x-api-key', 'wrong-admin-key-000000')).status).toBe(401);
    expect(
      (await request(app).post('/keys').set('x-api-key', ADMIN_KEY).send({ service: 'Bad Name' })).status,
    ).toBe(400);

    const created = await createKey('billing');
    expect(created.key).toMatch(/^lsk_/);
    expect(created.key.startsWith(created.prefix)).toBe(true);
    const list = await request(app).get('/keys').set('x-api-key', ADMIN_KEY);
    expect(list.status).toBe(200);
    const listed = (list.body.keys as Record<string, unknown>[]).find((k) => k.id === created.id);
    expect(listed).toMatchObject({ service: 'billing', revokedAt: null });
    expect(JSON.stringify(list.body)).not.toContain(created.key);

    expect(
      (await request(app).post('/ingest').set('x-api-key', created.key).send(log('billing'))).status,
    ).toBe(202);
    const revoked = await request(app).delete(`/keys/${created.id}`).set('x-api-key', ADMIN_KEY);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toEqual(expect.any(String));
    expect(
      (await request(app).post('/ingest').set('x-api-key', created.key).send(log('billing'))).status,
    ).toBe(401);
    expect((await request(app).delete('/keys/nope').set('x-api-key', ADMIN_KEY)).status).toBe(404);
  });

  it('rate-limits per key with 429 and Retry-After once the second and the burst are spent', async () => {
    const { key } = await createKey('checkout');
    const other = await createKey('search');
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        request(app).post('/ingest').set('x-api-key', key).send(log('checkout')),
      ),
    );
    const statuses = responses.map((r) => r.status);
    const limited = responses.filter((r) => r.status === 429);
    // 5 per second + 3 burst; even if the burst straddles a second boundary at most 5 + 5 + 3 pass.
    expect(statuses.filter((s) => s === 202).length).toBeGreaterThanOrEqual(5);
    expect(limited.length).toBeGreaterThanOrEqual(20 - 13);
    expect(statuses.every((s) => s === 202 || s === 429)).toBe(true);
    for (const res of limited) {
      expect(res.body.error.code).toBe('rate_limited');
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    // Another key has its own budget.
    expect((await request(app).post('/ingest').set('x-api-key', other.key).send(log('search'))).status).toBe(
      202,
    );
  });

  it('protects the admin routes and the board; the board takes the key as a header or as a basic-auth password', async () => {
    expect((await request(app).get('/dead-letters')).status).toBe(401);
    // A valid service key is known, but admin routes are not its to call.
    const serviceKey = await createKey('board-svc');
    const forbidden = await request(app).get('/dead-letters').set('x-api-key', serviceKey.key);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe('forbidden');

    const refused = await request(app).get('/admin/queues');
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toBe('Basic realm="LogStream admin", charset="UTF-8"');
    expect(refused.body.error.code).toBe('unauthorized');
    expect((await request(app).get('/admin/queues').auth('admin', 'wrong-password')).status).toBe(401);

    const byHeader = await request(app).get('/admin/queues').set('x-api-key', ADMIN_KEY);
    expect(byHeader.status).toBe(200);
    expect(byHeader.headers['content-type']).toContain('text/html');
    expect(byHeader.text).toContain('LogStream queues');
    expect(byHeader.headers['content-security-policy']).toContain("script-src 'self'");

    const byBasic = await request(app).get('/admin/queues/api/queues').auth('anyone', ADMIN_KEY);
    expect(byBasic.status).toBe(200);
    const names = (byBasic.body.queues as { name: string }[]).map((q) => q.name).sort();
    expect(names).toEqual([QUEUE_NAMES.deadLetter, QUEUE_NAMES.ingest].sort());

    // Board actions from another site are refused even with the credentials a browser would attach.
    const retryAll = `/admin/queues/api/queues/${QUEUE_NAMES.ingest}/retry/failed`;
    const crossSite = await request(app)
      .put(retryAll)
      .auth('anyone', ADMIN_KEY)
      .set('Origin', 'http://evil.example');
    expect(crossSite.status).toBe(403);
    const crossFetch = await request(app)
      .put(retryAll)
      .auth('anyone', ADMIN_KEY)
      .set('Sec-Fetch-Site', 'cross-site');
    expect(crossFetch.status).toBe(403);
    const sameSite = await request(app)
      .put(retryAll)
      .auth('anyone', ADMIN_KEY)
      .set('Sec-Fetch-Site', 'same-origin');
    expect(sameSite.status).toBe(200);
    expect((await request(app).put(retryAll).set('x-api-key', ADMIN_KEY)).status).toBe(200);
  });

  it('serves Prometheus text with request, log, refusal and queue metrics', async () => {
    const { key } = await createKey('metrics-svc');
    await request(app)
      .post('/ingest')
      .set('x-api-key', key)
      .send([log('metrics-svc'), { service: 'metrics-svc' }]);
    await request(app).post('/ingest').send(log('metrics-svc'));
    const res = await request(app).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    const text = res.text;
    expect(text).toMatch(
      /logstream_api_http_requests_total\{method="POST",route="\/ingest",status="202"\} \d+/,
    );
    expect(text).toMatch(
      /logstream_api_http_request_duration_seconds_bucket\{le="0.005",method="POST",route="\/ingest",status="202"\}/,
    );
    expect(text).toMatch(/logstream_api_ingest_refused_total\{reason="unauthorized"\} [1-9]/);
    expect(text).toMatch(/logstream_api_ingest_refused_total\{reason="forbidden"\} [1-9]/);
    expect(text).toMatch(/logstream_api_ingest_refused_total\{reason="rate_limited"\} [1-9]/);
    expect(text).toMatch(/logstream_api_logs_rejected_total [1-9]/);
    const waiting = await queue.getWaitingCount();
    expect(waiting).toBeGreaterThan(0);
    expect(text).toContain(
      `logstream_api_queue_jobs{queue="${QUEUE_NAMES.ingest}",state="waiting"} ${waiting}`,
    );
    const accepted = Number(/logstream_api_logs_accepted_total (\d+)/.exec(text)?.[1]);
    const jobs = await queue.getJobs(['waiting']);
    expect(accepted).toBe(jobs.reduce((sum, job) => sum + job.data.logs.length, 0));
    expect(operations.mount.metrics.registry.getSingleMetric('logstream_api_queue_jobs')).toBeDefined();
  });

  it('sends helmet headers and allows CORS only from the dashboard origin (localhost and 127.0.0.1)', async () => {
    const health = await request(app).get('/health');
    expect(health.headers['x-content-type-options']).toBe('nosniff');
    for (const origin of ['http://localhost:3001', 'http://127.0.0.1:3001']) {
      const preflight = await request(app)
        .options('/ingest')
        .set('Origin', origin)
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'x-api-key,content-type');
      expect(preflight.headers['access-control-allow-origin']).toBe(origin);
      expect(preflight.headers['access-control-allow-headers']).toMatch(/X-Api-Key/i);
    }
    const evil = await request(app).get('/health').set('Origin', 'http://evil.example');
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('operations with auth off (the embedded demo)', () => {
  it('accepts ingest without a key, limits by client IP, and leaves admin routes open without ADMIN_KEY', async () => {
    const { app, close } = await buildApp({
      AUTH_REQUIRED: 'false',
      RATE_LIMIT_PER_SEC: '2',
      RATE_LIMIT_BURST: '0',
    });
    try {
      expect((await request(app).post('/ingest').send(log('any'))).status).toBe(202);
      expect((await request(app).get('/keys')).status).toBe(200);
      expect((await request(app).get('/admin/queues')).status).toBe(200);
      const burst = await Promise.all(
        Array.from({ length: 6 }, () => request(app).post('/ingest').send(log('any'))),
      );
      expect(burst.some((r) => r.status === 429)).toBe(true);
    } finally {
      await close();
    }
  });

  it('still guards admin routes when ADMIN_KEY is set', async () => {
    const { app, close } = await buildApp({ AUTH_REQUIRED: 'false', ADMIN_KEY });
    try {
      expect((await request(app).post('/ingest').send(log('any'))).status).toBe(202);
      expect((await request(app).get('/keys')).status).toBe(401);
      expect((await request(app).get('/keys').set('Authorization', `Bearer ${ADMIN_KEY}`)).status).toBe(200);
    } finally {
      await close();
    }
  });
});
