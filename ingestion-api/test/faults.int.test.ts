import type { Connection } from 'mongoose';
import { createProducer, type Producer } from '@logstream/producer';
import { connectMongo, createModels, type Models } from '@logstream/storage';
import { startTestStack, waitFor, type TestStack } from '@logstream/devstack';

/**
 * Each injected fault against the real processes: whatever a producer was told was accepted must end up stored,
 * exactly once, after the fault.
 */
describe('faults and backpressure (processes)', () => {
  let stack: TestStack;
  let apiUrl: string;
  let connection: Connection;
  let models: Models;
  const producers: Producer[] = [];

  const startWorker = () => stack.startWorker();
  const stopWorker = () => stack.stopWorker();
  const ADMIN_KEY = 'faults-test-admin-key-0123456789';
  const control = async (action: string, durationMs?: number) => {
    const res = await fetch(`${apiUrl}/control`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': ADMIN_KEY },
      body: JSON.stringify({ action, durationMs }),
    });
    expect(res.status).toBe(200);
    return res.json() as Promise<{ dropped?: number }>;
  };
  const producer = (service: string) => {
    const p = createProducer({
      url: apiUrl,
      service,
      batchSize: 100,
      flushIntervalMs: 50,
      ackPollMs: 200,
      retryMaxMs: 1000,
    });
    producers.push(p);
    return p;
  };
  const send = async (p: Producer, count: number) => {
    for (let i = 1; i <= count; i++)
      await p.log(i % 10 === 0 ? 'error' : 'info', `event ${i}`, { meta: { i } });
  };
  /** Exactly `count` documents, seqs 1..count, for the stream. */
  const expectStoredExactly = async (service: string, count: number) => {
    await waitFor(
      async () => (await models.Log.countDocuments({ service })) >= count,
      60_000,
      `${service}: not all stored`,
    );
    expect(await models.Log.countDocuments({ service })).toBe(count);
    const seqs = (await models.Log.distinct('seq', { service })) as number[];
    expect(seqs).toHaveLength(count);
    expect(Math.max(...seqs)).toBe(count);
  };

  beforeAll(async () => {
    stack = await startTestStack('faults', {
      ENABLE_FAULTS: 'true',
      ADMIN_KEY,
      RATE_LIMIT_PER_SEC: '0',
      HIGH_WATER_MARK: '8',
      LOW_WATER_MARK: '2',
      REPLAY_AFTER_MS: '1000',
      REPLAY_INTERVAL_MS: '250',
    });
    apiUrl = stack.apiUrl;
    await stack.startApi();
    connection = await connectMongo(stack.env.MONGO_URL as string);
    models = createModels(connection);
  });

  afterEach(async () => {
    await Promise.all(producers.splice(0).map((p) => p.close({ waitForPersisted: false, timeoutMs: 1000 })));
    await control('reset');
  });

  afterAll(async () => {
    await stack?.stop();
    await connection?.dropDatabase();
    await connection?.close();
  });

  it('POST /control needs the admin key; reset with it clears every fault', async () => {
    const anonymous = await fetch(`${apiUrl}/control`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'reset' }),
    });
    expect(anonymous.status).toBe(401);
    await control('delay-ack', 60_000);
    await control('network-failure', 60_000);
    const state = await (await fetch(`${apiUrl}/control`, { headers: { 'x-api-key': ADMIN_KEY } })).json();
    expect(state).toMatchObject({ enabled: true, networkFailureUntil: expect.any(String), delayAckMs: 1500 });
    await control('reset');
    const after = await (await fetch(`${apiUrl}/control`, { headers: { 'x-api-key': ADMIN_KEY } })).json();
    expect(after).toMatchObject({ networkFailureUntil: null, delayAckUntil: null, workerCrashedUntil: null });
  });

  it('crash-worker: logs sent while the worker takes no work are all stored once it recovers', async () => {
    await startWorker();
    await control('crash-worker', 2500);
    const faultState = async () =>
      (await (await fetch(`${apiUrl}/control`, { headers: { 'x-api-key': ADMIN_KEY } })).json()) as {
        workerCrashedUntil: string | null;
      };
    await waitFor(async () => (await faultState()).workerCrashedUntil !== null, 5_000, 'fault not in force');
    const p = producer('crash');
    await send(p, 800);
    const closed = await p.close({ waitForPersisted: true, timeoutMs: 60_000 });
    expect(closed).toEqual({ complete: true, remaining: 0 });
    await expectStoredExactly('crash', 800);
  });

  it('network-failure: the API refuses with 503 and Retry-After; the producer retries and nothing is lost', async () => {
    await control('network-failure', 2000);
    const refused = await fetch(`${apiUrl}/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ service: 'netfail', level: 'info', message: 'probe' }),
    });
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const p = producer('netfail');
    await send(p, 600);
    expect(await p.close({ waitForPersisted: true, timeoutMs: 60_000 })).toEqual({
      complete: true,
      remaining: 0,
    });
    expect(p.stats().retries).toBeGreaterThan(0);
    await expectStoredExactly('netfail', 600);
  });

  it('flush-queue: jobs dropped from the queue are found by the replay protocol and stored', async () => {
    await stopWorker();
    const p = producer('flushed');
    await send(p, 500);
    await p.flush(20_000); // every log received by the API, none stored: their jobs wait in the queue
    const { dropped } = await control('flush-queue');
    expect(dropped).toBeGreaterThan(0);
    await startWorker();
    expect(await p.close({ waitForPersisted: true, timeoutMs: 90_000 })).toEqual({
      complete: true,
      remaining: 0,
    });
    await expectStoredExactly('flushed', 500);
    const replays = await models.Replay.find({ stream: 'flushed' }).lean();
    expect(replays.length).toBeGreaterThan(0);
    await waitFor(
      async () =>
        (await models.Replay.countDocuments({ stream: 'flushed', status: 'completed' })) === replays.length,
      10_000,
      'replays not completed',
    );
  });

  it('backpressure: past the high-water mark ingest answers 429 with Retry-After, and recovers when drained', async () => {
    await stopWorker();
    const post = () =>
      fetch(`${apiUrl}/ingest`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ service: 'pressure', level: 'info', message: 'm' }),
      });
    let refused: Response | undefined;
    await waitFor(
      async () => {
        const res = await post();
        if (res.status === 429) refused = res;
        return refused !== undefined;
      },
      20_000,
      'backpressure never engaged',
    );
    const body = (await refused!.json()) as { error: { code: string } };
    expect(body.error.code).toBe('backpressure');
    expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    await startWorker();
    await waitFor(async () => (await post()).status === 202, 30_000, 'backpressure never released');
  });
});
