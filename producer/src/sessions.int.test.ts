import type { Connection } from 'mongoose';
import { AckState, IngestReceipt } from '@logstream/shared-types';
import { connectMongo, createModels, type Models } from '@logstream/storage';
import { startTestStack, waitFor, type TestStack } from '@logstream/devstack';
import { Redis } from 'ioredis';
import { createProducer, type Producer } from './index';

/** Producer sessions and the delivery rules of docs/protocol.md, against a real API, worker, Redis and database. */
describe('delivery protocol: sessions, reused seqs, gaps', () => {
  let stack: TestStack;
  let connection: Connection;
  let models: Models;
  let redis: Redis;

  beforeAll(async () => {
    stack = await startTestStack('sessions', { REPLAY_AFTER_MS: '1000', REPLAY_INTERVAL_MS: '250' });
    await stack.startApi();
    await stack.startWorker();
    connection = await connectMongo(stack.env.MONGO_URL as string);
    models = createModels(connection);
    redis = new Redis(stack.env.REDIS_URL as string);
  });

  afterAll(async () => {
    await stack?.stop();
    await connection?.dropDatabase();
    await connection?.close();
    await redis?.quit();
  });

  const post = async (body: unknown) => {
    const res = await fetch(`${stack.apiUrl}/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const ack = async (stream: string, session?: string) =>
    AckState.parse(
      await (
        await fetch(`${stack.apiUrl}/ack/${encodeURIComponent(stream)}${session ? `?session=${session}` : ''}`)
      ).json(),
    );
  const producerFor = (service: string) =>
    createProducer({ url: stack.apiUrl, service, batchSize: 200, ackPollMs: 200, resendAfterMs: 1000 });
  const send = async (producer: Producer, label: string, count: number) => {
    for (let n = 1; n <= count; n++) await producer.info(`${label} log ${n}`, { meta: { label, n } });
  };
  const storedCount = (filter: Record<string, unknown>) => models.Log.countDocuments(filter);

  it('stores every log of two concurrent replicas and a restart without a spool, each once', async () => {
    const replicaA = producerFor('checkout');
    const replicaB = producerFor('checkout');
    expect(replicaA.session).not.toBe(replicaB.session);
    await Promise.all([send(replicaA, 'a', 2000), send(replicaB, 'b', 2000)]);
    const closed = await Promise.all([
      replicaA.close({ waitForPersisted: true, timeoutMs: 90_000 }),
      replicaB.close({ waitForPersisted: true, timeoutMs: 90_000 }),
    ]);
    // The same service started again with no spool: its seqs start at 1 again, in a new session.
    const restarted = producerFor('checkout');
    await send(restarted, 'c', 2000);
    closed.push(await restarted.close({ waitForPersisted: true, timeoutMs: 90_000 }));
    expect(closed.every((result) => result.complete)).toBe(true);

    expect(await storedCount({ service: 'checkout' })).toBe(6000);
    for (const [label, producer] of [
      ['a', replicaA],
      ['b', replicaB],
      ['c', restarted],
    ] as const) {
      const marks = (await models.Log.distinct('meta.n', { 'meta.label': label })) as number[];
      expect(marks).toHaveLength(2000);
      expect(await storedCount({ session: producer.session })).toBe(2000);
      expect((await ack('checkout', producer.session)).persistedTill).toBe(2000);
    }
  });

  it('never acknowledges and drops a seq reused with other content: refused in flight, kept beside once stored', async () => {
    const log = (seq: number, message: string) => ({ seq, level: 'info', message });
    await stack.stopWorker(); // so that the first copies stay in flight
    const first = await post({ service: 'raw', logs: [log(1, 'one'), log(2, 'two')] });
    expect(first.status).toBe(202);
    // A retry of the same content is a duplicate; the same seq with other content is refused, naming the conflict.
    const retry = await post({ service: 'raw', logs: [log(2, 'two')] });
    expect(retry).toMatchObject({ status: 202, body: { duplicates: 1 } });
    const reused = await post({ service: 'raw', logs: [log(2, 'a different two')] });
    expect(reused.status).toBe(409);
    expect(reused.body).toMatchObject({ error: { code: 'seq_conflict' } });
    expect(JSON.stringify(reused.body)).toMatch(/seq 2 of stream raw \(no session\) was already received/);

    await stack.startWorker();
    await waitFor(async () => (await ack('raw')).persistedTill === 2, 30_000, 'raw 1..2 never stored');
    // Stored by now: the reused seq is taken and stored beside the first copy, not dropped as a duplicate.
    const late = IngestReceipt.parse((await post({ service: 'raw', logs: [log(1, 'another one')] })).body);
    expect(late.rejected).toEqual([]);
    await waitFor(
      async () => (await storedCount({ stream: 'raw', message: 'another one' })) === 1,
      30_000,
      'the reused seq was never stored',
    );
    expect(await storedCount({ stream: 'raw', seq: 1 })).toBe(2);
    expect(await storedCount({ stream: 'raw', message: 'two' })).toBe(1);
  });

  it('keeps persistedTill below a gap larger than any in-memory cap, and lets the producer forget what is above', async () => {
    const logs = (from: number, to: number) =>
      Array.from({ length: to - from + 1 }, (_, i) => ({ seq: from + i, level: 'warn', message: `g${from + i}` }));
    await post({ service: 'gappy', session: 'big-gap', logs: logs(1, 10) });
    await post({ service: 'gappy', session: 'big-gap', logs: logs(2_000_001, 2_000_010) });
    await waitFor(
      async () => (await storedCount({ stream: 'gappy', session: 'big-gap' })) === 20,
      30_000,
      'gappy logs never stored',
    );
    await waitFor(
      async () => (await ack('gappy', 'big-gap')).persisted.length === 1,
      30_000,
      'persisted marks above the gap never recorded',
    );
    const state = await ack('gappy', 'big-gap');
    expect(state).toMatchObject({
      persistedTill: 10,
      persisted: [[2_000_001, 2_000_010]],
      missing: [[11, 2_000_000]],
      status: 'partial',
    });
  });

  it('answers GET /ack without changing anything', async () => {
    await post({ service: 'readonly', logs: [{ seq: 3, level: 'info', message: 'three' }] });
    // The gap 1..2 becomes a replay request; reading the state must not mark it requested.
    await waitFor(async () => (await ack('readonly')).replay.length > 0, 30_000, 'no replay opened');
    const requestedKey = `${stack.env.QUEUE_PREFIX}:ack:{readonly}:requested`;
    await ack('readonly');
    await fetch(`${stack.apiUrl}/ack`);
    expect(await redis.exists(requestedKey)).toBe(0);
    const replay = await models.Replay.findOne({ stream: 'readonly' }).lean();
    expect(replay?.status).toBe('pending');
    // A receipt does tell the producer, and the request moves to requested.
    await post({ service: 'readonly', logs: [{ seq: 3, level: 'info', message: 'three' }] });
    expect(await redis.exists(requestedKey)).toBe(1);
    await waitFor(
      async () => (await models.Replay.findOne({ stream: 'readonly' }).lean())?.status === 'requested',
      30_000,
      'the replay never moved to requested',
    );
  });

  it('loses nothing when Redis loses every key mid-stream', async () => {
    const producers = [producerFor('flushed'), producerFor('flushed')];
    const sending = Promise.all(producers.map((producer, i) => send(producer, `f${i}`, 1500)));
    await waitFor(async () => (await storedCount({ service: 'flushed' })) >= 500, 60_000, 'nothing stored');
    // What FLUSHALL (or a restart without persistence) does to this deployment: every key of its prefix is gone.
    const keys = await redis.keys(`${stack.env.QUEUE_PREFIX}:*`);
    await redis.del(...keys);
    await sending;
    const closed = await Promise.all(
      producers.map((producer) => producer.close({ waitForPersisted: true, timeoutMs: 120_000 })),
    );
    expect(closed.every((result) => result.complete)).toBe(true);
    expect(await storedCount({ service: 'flushed' })).toBe(3000);
    for (const i of [0, 1]) {
      expect(await models.Log.distinct('meta.n', { 'meta.label': `f${i}` })).toHaveLength(1500);
    }
  });
});
