import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Connection } from 'mongoose';
import { AckState, IngestReceipt } from '@logstream/shared-types';
import { connectMongo, createModels, type Models } from '@logstream/storage';
import { startTestStack, waitFor, type TestStack } from '@logstream/devstack';
import { createProducer, Producer } from './index';
import type { ProducerOptionsInput } from './options';

/** Deterministic random numbers (mulberry32), so that the chaos a test asserts on happens on every run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The producer against the real API and worker (real Redis, real MongoDB-wire server). */
describe('producer against the real pipeline', () => {
  let apiUrl: string;
  let stack: TestStack;
  let connection: Connection;
  let models: Models;
  let spoolDir: string;
  const producers: Producer[] = [];

  const producer = (options: Omit<ProducerOptionsInput, 'url'>) => {
    const p = createProducer({
      url: apiUrl,
      batchSize: 100,
      flushIntervalMs: 50,
      ackPollMs: 200,
      ...options,
    });
    producers.push(p);
    return p;
  };
  const send = async (p: Producer, count: number, label = 'event') => {
    for (let i = 1; i <= count; i++)
      await p.log(i % 20 === 0 ? 'warn' : 'info', `${label} ${i}`, { meta: { i } });
  };
  /** Exactly seqs 1..count of the stream are stored, each once. */
  const expectStoredExactly = async (stream: string, count: number) => {
    await waitFor(
      async () => (await models.Log.countDocuments({ stream })) >= count,
      60_000,
      `${stream}: not all stored`,
    );
    expect(await models.Log.countDocuments({ stream })).toBe(count);
    const seqs = (await models.Log.distinct('seq', { stream })) as number[];
    expect(seqs).toHaveLength(count);
    expect(Math.min(...seqs)).toBe(1);
    expect(Math.max(...seqs)).toBe(count);
  };
  const post = async (body: unknown) => {
    const res = await fetch(`${apiUrl}/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(202);
    return IngestReceipt.parse(await res.json());
  };
  const ack = async (stream: string, session?: string) =>
    AckState.parse(
      await (
        await fetch(`${apiUrl}/ack/${encodeURIComponent(stream)}${session ? `?session=${session}` : ''}`)
      ).json(),
    );

  beforeAll(async () => {
    stack = await startTestStack('producer', {
      HOST: '127.0.0.1',
      RATE_LIMIT_PER_SEC: '0',
      REPLAY_AFTER_MS: '1000',
      REPLAY_INTERVAL_MS: '250',
    });
    apiUrl = stack.apiUrl;
    await stack.startApi();
    await stack.startWorker();
    connection = await connectMongo(stack.env.MONGO_URL as string);
    models = createModels(connection);
    spoolDir = fs.mkdtempSync(path.join(os.tmpdir(), 'producer-int-'));
  });

  afterEach(async () => {
    await Promise.all(producers.splice(0).map((p) => p.close({ waitForPersisted: false, timeoutMs: 1000 })));
  });

  afterAll(async () => {
    await connection?.close();
    await stack?.stop();
    fs.rmSync(spoolDir, { recursive: true, force: true });
  });

  it('receipts report gaps as missing, acknowledge duplicates without storing them twice', async () => {
    const log = (seq: number) => ({ seq, level: 'info', message: `m${seq}` });
    const gap = await post({ service: 'receipts', instance: 'a', logs: [log(1), log(2), log(4)] });
    expect(gap).toMatchObject({ accepted: 3, ackTill: 2, missing: [[3, 3]] });
    const dup = await post({ service: 'receipts', instance: 'a', logs: [log(2), log(3)] });
    expect(dup.duplicates).toBe(1);
    expect(dup.ackTill).toBe(4);
    expect(dup.missing).toEqual([]);
    await waitFor(
      async () => (await ack('receipts/a')).persistedTill === 4,
      30_000,
      'receipts/a never persisted 1..4',
    );
    expect(await ack('receipts/a')).toMatchObject({ ackTill: 4, highestSeq: 4, missing: [], status: 'ok' });
    await expectStoredExactly('receipts/a', 4);
  });

  it('repairs dropped, duplicated and reordered batches: every log persisted exactly once', async () => {
    // Seeded, with 10 % drops over 30 batches: a run without any drop (which the assertions below need) cannot happen.
    const p = new Producer(
      {
        url: apiUrl,
        service: 'chaos',
        instance: 'c1',
        batchSize: 100,
        flushIntervalMs: 50,
        ackPollMs: 200,
        chaos: { drop: 0.1, dup: 0.05, reorder: 0.05 },
      },
      seeded(20261122),
    );
    producers.push(p);
    await send(p, 3000);
    const closed = await p.close({ waitForPersisted: true, timeoutMs: 90_000 });
    expect(closed).toEqual({ complete: true, remaining: 0 });
    const stats = p.stats();
    expect(stats.chaos.dropped).toBeGreaterThan(0);
    expect(stats.resent).toBeGreaterThanOrEqual(stats.chaos.dropped);
    expect(stats).toMatchObject({
      sent: 3000,
      acknowledged: 3000,
      persisted: 3000,
      persistedTill: 3000,
      buffered: 0,
    });
    await expectStoredExactly('chaos/c1', 3000);
  });

  it('a restarted producer resumes its seq from the spool and resends what was not persisted', async () => {
    const spoolFile = path.join(spoolDir, 'restart.ndjson');
    const first = producer({ service: 'restart', instance: 'r1', spoolFile, batchSize: 50 });
    await send(first, 400, 'before');
    // Close at once: part of the logs is unsent or unpersisted and stays in the spool.
    const abandoned = await first.close({ waitForPersisted: false, timeoutMs: 0 });
    expect(abandoned.complete).toBe(false);
    const second = producer({ service: 'restart', instance: 'r1', spoolFile, batchSize: 50 });
    expect(second.stats().nextSeq).toBe(401);
    expect(second.stats().buffered).toBeGreaterThan(0);
    expect(await second.log('info', 'after restart')).toBe(401);
    await send(second, 99, 'after');
    expect(await second.close({ waitForPersisted: true, timeoutMs: 60_000 })).toEqual({
      complete: true,
      remaining: 0,
    });
    await expectStoredExactly('restart/r1', 500);
    expect(await models.Log.countDocuments({ stream: 'restart/r1', message: /^before / })).toBe(400);
    // The spool was compacted or rewritten to hold nothing unpersisted.
    const third = producer({ service: 'restart', instance: 'r1', spoolFile });
    expect(third.stats()).toMatchObject({ nextSeq: 501, buffered: 0 });
  });

  it('two producers of different streams at once keep their own seqs and both complete', async () => {
    const auth = producer({ service: 'auth', instance: 'pair' });
    const payment = producer({ service: 'payment', instance: 'pair', chaos: { drop: 0.1 } });
    await Promise.all([send(auth, 1500), send(payment, 1200)]);
    const [a, b] = await Promise.all([
      auth.close({ waitForPersisted: true, timeoutMs: 60_000 }),
      payment.close({ waitForPersisted: true, timeoutMs: 60_000 }),
    ]);
    expect([a.complete, b.complete]).toEqual([true, true]);
    await expectStoredExactly('auth/pair', 1500);
    await expectStoredExactly('payment/pair', 1200);
    expect((await ack('payment/pair', payment.session)).persistedTill).toBe(1200);
  });
});
