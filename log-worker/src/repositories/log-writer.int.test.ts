import { Redis } from 'ioredis';
import { SharedMutex } from '@logstream/runtime';
import type { JobLog } from '@logstream/shared-types';
import { minuteOf, updatesAreAtomic, type Models } from '@logstream/storage';
import { openTestDatabase, testRedisUrl, uniqueName, waitFor, type TestDatabase } from '@logstream/devstack';
import { LogWriter, type PendingLog } from './log-writer';

const LEVELS = ['info', 'warn', 'error'] as const;

function makeBatch(service: string, fromSeq: number, count: number): PendingLog[] {
  const receivedAt = new Date();
  return Array.from({ length: count }, (_, i) => {
    const seq = fromSeq + i;
    const log: JobLog = {
      id: `${service}@${seq}`,
      service,
      seq,
      level: LEVELS[seq % LEVELS.length] as JobLog['level'],
      message: `message ${seq}`,
      // Spread over two minutes so that batches touch several rollup buckets.
      ts: new Date(Date.UTC(2026, 10, 22, 10, 31 + (seq % 2), seq % 60)).toISOString(),
      meta: { 'http.status': 200, $ref: 'x' },
    };
    return { log, batchId: 'batch-1', receivedAt };
  });
}

/** Rollup totals and raw counts per service|level; they must always be equal. */
async function countsBoth(models: Models) {
  const raw = await models.Log.aggregate<{ _id: { s: string; l: string }; n: number }>([
    { $group: { _id: { s: '$service', l: '$level' }, n: { $sum: 1 } } },
  ]);
  const rolled = await models.Rollup.aggregate<{ _id: { s: string; l: string }; n: number }>([
    { $group: { _id: { s: '$service', l: '$level' }, n: { $sum: '$count' } } },
  ]);
  const asMap = (rows: { _id: { s: string; l: string }; n: number }[]) =>
    Object.fromEntries(rows.map((r) => [`${r._id.s}|${r._id.l}`, r.n]).sort());
  return { raw: asMap(raw), rolled: asMap(rolled) };
}

/**
 * What a flush `writer:flush` interrupted after its insert leaves behind: its journal entry (the ids of `batch`), the
 * documents of `stored` (default: all of the batch), and no rollup increments.
 */
async function leaveInterruptedFlush(
  models: Models,
  ref: string,
  batch: PendingLog[],
  stored: PendingLog[] = batch,
  journaledAt = new Date(),
): Promise<void> {
  const separator = ref.lastIndexOf(':');
  await models.FlushJournal.collection.insertOne({
    _id: ref,
    writer: ref.slice(0, separator),
    flush: Number(ref.slice(separator + 1)),
    ids: batch.map((pending) => pending.log.id),
    at: journaledAt,
  } as never);
  if (stored.length === 0) return;
  await models.Log.collection.insertMany(
    stored.map((pending) => ({
      _id: pending.log.id,
      service: pending.log.service,
      stream: pending.log.service,
      seq: pending.log.seq,
      level: pending.log.level,
      message: pending.log.message,
      ts: new Date(pending.log.ts),
      minute: minuteOf(new Date(pending.log.ts)),
      receivedAt: pending.receivedAt,
      storedAt: new Date(),
      batchId: pending.batchId,
      flushRef: ref,
    })) as never[],
  );
}

describe('LogWriter against the MongoDB-wire server', () => {
  let db: TestDatabase;
  let models: Models;

  beforeEach(async () => {
    db = await openTestDatabase('writer');
    ({ models } = db);
  });

  afterEach(async () => {
    await db.drop();
  });

  it('stores every log once, with minute buckets, encoded meta keys and rollups equal to raw counts', async () => {
    const writer = new LogWriter(models);
    const first = await writer.write(makeBatch('auth', 1, 50), 'w1-0', 1);
    await writer.write(makeBatch('auth', 51, 50), 'w1-0', 2);
    expect(first.inserted).toHaveLength(50);
    expect(await models.Log.countDocuments()).toBe(100);
    const doc = await models.Log.findById('auth@7').lean();
    expect(doc?.minute).toEqual(minuteOf(new Date(doc!.ts)));
    expect(Object.keys(doc?.meta as object).sort()).toEqual(['http\uff0estatus', '\uff04ref']);
    const { raw, rolled } = await countsBoth(models);
    expect(rolled).toEqual(raw);
    expect(Object.values(rolled).reduce((a, b) => a + b, 0)).toBe(100);
  });

  it('stores nothing twice when a batch is delivered again, by the same or a new process', async () => {
    await new LogWriter(models).write(makeBatch('auth', 1, 40), 'w1-0', 1);
    const again = await new LogWriter(models).write(makeBatch('auth', 1, 40), 'w2-0', 1);
    expect(again.inserted).toHaveLength(0);
    expect(again.duplicates).toHaveLength(40);
    expect(await models.Log.countDocuments()).toBe(40);
    const { raw, rolled } = await countsBoth(models);
    expect(rolled).toEqual(raw);
  });

  it('completes the rollups of a flush that crashed between its insert and its increments', async () => {
    // What a worker killed right after insertMany leaves behind: its journal entry and documents, no increments.
    const interrupted = makeBatch('payment', 1, 30);
    const writer = new LogWriter(models);
    await leaveInterruptedFlush(models, 'dead0000-3:17', interrupted.slice(0, 20));
    expect((await countsBoth(models)).rolled).toEqual({});

    // The re-delivered jobs reach two different workers, each seeing some of the duplicates.
    const a = await writer.write(interrupted.slice(0, 25), 'w3-0', 1);
    const b = await new LogWriter(models).write(interrupted.slice(10, 30), 'w4-1', 1);
    expect(a.recoveredFlushes).toBe(1);
    // b sees duplicates of the dead flush and of a's flush: both already counted, so nothing is re-applied.
    expect(b.recoveredFlushes).toBe(0);
    expect(await models.Log.countDocuments()).toBe(30);
    const { raw, rolled } = await countsBoth(models);
    expect(rolled).toEqual(raw);
  });

  it('does not re-apply a flush whose increments landed before the crash', async () => {
    const batch = makeBatch('notify', 1, 30);
    await new LogWriter(models).write(batch, 'w5-0', 1);
    // A new process (no memory of what was applied) sees all 30 as duplicates pointing at w5-0:1.
    const replay = await new LogWriter(models).write(batch, 'w6-0', 1);
    expect(replay.recoveredFlushes).toBe(0);
    const { raw, rolled } = await countsBoth(models);
    expect(rolled).toEqual(raw);
    expect(rolled['notify|info']).toBe(10);
  });

  it('fails loudly on errors other than duplicates', async () => {
    const batch = makeBatch('auth', 1, 2);
    (batch[0] as PendingLog).log.ts = 'not a date';
    await expect(new LogWriter(models).write(batch, 'w7-0', 1)).rejects.toThrow();
  });

  it('keeps rollups equal to raw counts after a flush that stored half its logs and then failed', async () => {
    // The failed flush: its journal entry and the first half of its logs, no rollup increment (what a crash or a
    // lost connection between the insert and the increment leaves). Its lane wrote on under another writer id.
    const batch = makeBatch('billing', 1, 40);
    const crashed = new LogWriter(models);
    await crashed.write(makeBatch('billing', 100, 10), 'lane-old', 1);
    await leaveInterruptedFlush(models, 'lane-old:2', batch, batch.slice(0, 20));
    await crashed.write(makeBatch('billing', 200, 10), 'lane-new', 1);

    // The jobs come back; another writer meets the first half as duplicates and completes the failed flush's rollups.
    const retry = await new LogWriter(models).write(batch, 'other-0', 1);
    expect(retry).toMatchObject({ recoveredFlushes: 1 });
    expect(retry.inserted).toHaveLength(20);
    expect(retry.duplicates).toHaveLength(20);
    const { raw, rolled } = await countsBoth(models);
    expect(rolled).toEqual(raw);
    // And only once: the same duplicates met again change nothing.
    await new LogWriter(models).write(batch, 'third-0', 1);
    expect((await countsBoth(models)).rolled).toEqual(raw);
  });

  it('writes the rollups of several flushes of several writers as one statement per bucket, marks at their last flush', async () => {
    const writer = new LogWriter(models, { rollupDelayMs: 150 });
    const stored = [
      await writer.store(makeBatch('orders', 1, 30), 'lane-a', 1),
      await writer.store(makeBatch('orders', 31, 30), 'lane-b', 1),
      await writer.store(makeBatch('orders', 61, 30), 'lane-a', 2),
      await writer.store(makeBatch('orders', 91, 30), 'lane-a', 3),
    ];
    // Stored, not counted yet: the increments wait for the next flushes'.
    expect(await models.Log.countDocuments()).toBe(120);
    expect((await countsBoth(models)).rolled).toEqual({});
    await Promise.all(stored.map((flush) => flush.rollups));
    const { raw, rolled } = await countsBoth(models);
    expect(rolled).toEqual(raw);
    const bucket = await models.Rollup.findOne({ service: 'orders', level: 'info' }).lean<{
      hw: Record<string, number>;
    }>();
    expect(bucket?.hw).toEqual({ 'lane-a': 3, 'lane-b': 1 });
  });

  it('applies the pending flushes of a crashed writer in flush order, whichever of them is met first', async () => {
    // A worker killed while three flushes of one writer were stored and their increments still waiting.
    const flushes = [1, 2, 3].map((flush) => ({ flush, batch: makeBatch('ledger', flush * 100, 30) }));
    for (const { flush, batch } of flushes) await leaveInterruptedFlush(models, `crashed-0:${flush}`, batch);
    // The last flush's jobs come back first: its increments alone would raise the marks past the first two flushes.
    const first = await new LogWriter(models).write(flushes[2]!.batch, 'next-0', 1);
    expect(first.recoveredFlushes).toBe(3);
    expect((await countsBoth(models)).rolled).toEqual((await countsBoth(models)).raw);
    const again = await new LogWriter(models).write(flushes[0]!.batch, 'next-1', 1);
    expect(again.recoveredFlushes).toBe(0);
    const { raw, rolled } = await countsBoth(models);
    expect(rolled).toEqual(raw);
    expect(rolled['ledger|info']).toBe(30);
  });

  it('counts once when a recovery applies a flush whose increments were still waiting in a live writer', async () => {
    const live = new LogWriter(models, { rollupDelayMs: 300 });
    const firstBatch = makeBatch('cart', 1, 30);
    const one = await live.store(firstBatch, 'live-0', 1);
    const two = await live.store(makeBatch('cart', 31, 30), 'live-0', 2);
    // The first flush's job is delivered again elsewhere (its lock lapsed) and meets its logs as duplicates.
    const elsewhere = await new LogWriter(models).write(firstBatch, 'other-0', 1);
    expect(elsewhere.recoveredFlushes).toBe(1);
    // The live writer's combined statement is refused where flush 1 landed; it falls back to one flush at a time.
    await Promise.all([one.rollups, two.rollups]);
    const { raw, rolled } = await countsBoth(models);
    expect(rolled).toEqual(raw);
    expect(Object.values(rolled).reduce((a, b) => a + b, 0)).toBe(60);
  });

  it('counts the stale flushes of a worker that died before its increments, and waits for a flush still landing', async () => {
    // A worker died with three flushes stored and not counted, and their jobs vanished (Redis restarted empty): no
    // duplicate will ever lead a recovery to them. The second flush's insert has not landed yet (held up in a
    // stalled database). Another worker's flush is younger than the threshold.
    const old = new Date(Date.now() - 5 * 60_000);
    const flushes = [1, 2, 3].map((flush) => makeBatch('orphan', flush * 100, 20));
    await leaveInterruptedFlush(models, 'dead-0:1', flushes[0]!, flushes[0], old);
    await leaveInterruptedFlush(models, 'dead-0:2', flushes[1]!, [], old);
    await leaveInterruptedFlush(models, 'dead-0:3', flushes[2]!, flushes[2], old);
    await leaveInterruptedFlush(models, 'busy-0:1', makeBatch('recent', 1, 10));
    const writer = new LogWriter(models);
    const orphanCounted = async () => {
      const { rolled } = await countsBoth(models);
      return Object.entries(rolled)
        .filter(([key]) => key.startsWith('orphan|'))
        .reduce((sum, [, n]) => sum + n, 0);
    };

    // Flush 1 is counted; the walk stops at flush 2, so flush 3's mark cannot land before flush 2's increment.
    expect(await writer.recoverStaleFlushes(2 * 60_000)).toBe(1);
    expect(await orphanCounted()).toBe(20);
    await waitFor(
      async () => (await models.FlushJournal.countDocuments({ _id: 'dead-0:1' })) === 0,
      3_000,
      'the counted flush kept its journal entry',
    );
    expect(
      await models.FlushJournal.countDocuments({ _id: { $in: ['dead-0:2', 'dead-0:3', 'busy-0:1'] } }),
    ).toBe(3);

    // The held-up insert lands: flushes 2 and 3 are counted at the next look, once each.
    await models.FlushJournal.deleteOne({ _id: 'dead-0:2' });
    await leaveInterruptedFlush(models, 'dead-0:2', flushes[1]!, flushes[1], old);
    expect(await writer.recoverStaleFlushes(2 * 60_000)).toBe(2);
    expect(await writer.recoverStaleFlushes(2 * 60_000)).toBe(0);
    expect(await orphanCounted()).toBe(60);
    const { raw, rolled } = await countsBoth(models);
    expect(rolled['recent|info'] ?? 0).toBe(0);
    expect(raw['recent|info']).toBeGreaterThan(0);
  });

  it('removes the journal entries of counted flushes within about a second, so recoveries walk only pending ones', async () => {
    const writer = new LogWriter(models, { rollupDelayMs: 50 });
    for (let flush = 1; flush <= 3; flush++)
      await writer.write(makeBatch('journal', flush * 100, 10), 'lane-j', flush);
    expect(await models.FlushJournal.countDocuments()).toBe(3);
    await waitFor(
      async () => (await models.FlushJournal.countDocuments()) === 0,
      3_000,
      'journal entries of counted flushes were not removed',
    );
  });

  it('keeps the rollups exact while several workers write the same buckets at once', async () => {
    // As the worker's main wires it: on a database that updates documents without isolation (FerretDB) the workers
    // take turns through a mutex in Redis; without it, concurrent increments of one bucket there lose counts.
    const atomic = await updatesAreAtomic(db.connection);
    const key = uniqueName('rollup-writes');
    const connections = [0, 1, 2].map(() => new Redis(testRedisUrl()));
    try {
      const workers = connections.map(
        (connection) =>
          new LogWriter(models, {
            rollupDelayMs: 0,
            ...(!atomic && { rollupMutex: new SharedMutex(connection, key) }),
          }),
      );
      // Three workers, four lanes each, five flushes of ten logs per lane: every flush lands in the same six buckets.
      await Promise.all(
        workers.flatMap((writer, worker) =>
          [0, 1, 2, 3].map(async (lane) => {
            for (let flush = 1; flush <= 5; flush++) {
              const from = ((worker * 4 + lane) * 5 + flush - 1) * 10 + 1;
              await writer.write(makeBatch('shared', from, 10), `w${worker}-${lane}`, flush);
            }
          }),
        ),
      );
      const { raw, rolled } = await countsBoth(models);
      expect(Object.values(raw).reduce((a, b) => a + b, 0)).toBe(600);
      expect(rolled).toEqual(raw);
    } finally {
      await connections[0]?.del(key);
      await Promise.all(connections.map((connection) => connection.quit()));
    }
  });

  it('fails a flush whose rollup write cannot take the mutex, and counts it once when it comes back', async () => {
    const key = uniqueName('rollup-writes');
    const connection = new Redis(testRedisUrl());
    try {
      // Another process holds the mutex for longer than this writer waits.
      let release: () => void = () => undefined;
      const holding = new SharedMutex(connection, key).run(
        () => new Promise<void>((resolve) => (release = resolve)),
      );
      await waitFor(async () => (await connection.exists(key)) === 1, 5_000, 'the mutex was never taken');
      const mutex = new SharedMutex(connection, key, { waitMs: 300 });
      const batch = makeBatch('locked', 1, 30);
      await expect(
        new LogWriter(models, { rollupDelayMs: 0, rollupMutex: mutex }).write(batch, 'w9-0', 1),
      ).rejects.toThrow();
      expect(await models.Log.countDocuments({ service: 'locked' })).toBe(30);
      release();
      await holding;
      // The jobs come back to another lane (a new writer id): the stored copies lead to the failed flush, counted once.
      const retry = await new LogWriter(models, { rollupDelayMs: 0, rollupMutex: mutex }).write(
        batch,
        'w9-1',
        1,
      );
      expect(retry.duplicates).toHaveLength(30);
      const { raw, rolled } = await countsBoth(models);
      expect(rolled).toEqual(raw);
    } finally {
      await connection.del(key);
      await connection.quit();
    }
  });

  it('writes a round touching more buckets and late hours than one FerretDB update command can carry', async () => {
    // 100 logs each in a minute of its own, 13 minutes apart (about 21 hours, all in the past): 100 buckets, and late
    // marks for 22 hours. In one update command FerretDB/PostgreSQL would wait on itself for ever past ~50 statements.
    const spread = (writer: number): PendingLog[] =>
      makeBatch('wide', writer * 50 + 1, 50).map((pending, i) => ({
        ...pending,
        log: {
          ...pending.log,
          ts: new Date(Date.UTC(2026, 10, 20, 0, 0) + (writer * 50 + i) * 13 * 60_000).toISOString(),
        },
      }));
    const writer = new LogWriter(models, { rollupDelayMs: 100 });
    const stored = [await writer.store(spread(0), 'wide-a', 1), await writer.store(spread(1), 'wide-b', 1)];
    await Promise.all(stored.map((flush) => flush.rollups));
    const { raw, rolled } = await countsBoth(models);
    expect(rolled).toEqual(raw);
    expect(await models.Rollup.countDocuments({ service: 'wide' })).toBe(100);
  }, 60_000);
});
