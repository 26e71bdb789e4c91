import pino from 'pino';
import { waitFor } from '@logstream/devstack';
import type { IngestJobData } from '@logstream/shared-types';
import type { LogWriter, PendingLog, StoredFlush, WriteResult } from '../repositories/log-writer';
import { LogSink } from './log-sink';

function job(batchId: string, count: number): IngestJobData {
  return {
    batchId,
    receivedAt: new Date().toISOString(),
    logs: Array.from({ length: count }, (_, i) => ({
      id: `deadline@${batchId}-${i}`,
      service: 'deadline',
      level: 'info' as const,
      message: `m${i}`,
      ts: new Date().toISOString(),
    })),
  };
}

function storedAll(batch: PendingLog[]): WriteResult {
  return { inserted: batch.map((p) => p.log), duplicates: [], conflicts: [], recoveredFlushes: 0 };
}

/** A writer whose first write never settles (a database call that never returns), later ones succeed. */
class StuckOnceWriter {
  readonly calls: { writerId: string; flush: number }[] = [];
  async store(batch: PendingLog[], writerId: string, flush: number): Promise<StoredFlush> {
    this.calls.push({ writerId, flush });
    if (this.calls.length === 1) return new Promise<StoredFlush>(() => undefined);
    return { result: storedAll(batch), rollups: Promise.resolve() };
  }
}

describe('LogSink flush deadline', () => {
  it('fails a flush that never returns, retires its writer id and keeps the lane working', async () => {
    const writer = new StuckOnceWriter();
    const sink = new LogSink(
      writer as unknown as LogWriter,
      { batchSize: 10, flushMs: 20, lanes: 1, flushTimeoutMs: 300 },
      pino({ level: 'silent' }),
    );
    const started = Date.now();
    await expect(sink.accept(job('first', 10), 'q:first')).rejects.toThrow(/took over 300 ms/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);

    // The same lane takes the next batch, under a new writer id numbered from 1 again.
    await expect(sink.accept(job('second', 10), 'q:second')).resolves.toBeUndefined();
    expect(writer.calls).toHaveLength(2);
    expect(writer.calls[1]!.writerId).not.toBe(writer.calls[0]!.writerId);
    expect(writer.calls[1]!.flush).toBe(1);
    await sink.close();
  });
});

/** A writer that stores everything it is given and remembers it. */
class RecordingWriter {
  readonly stored: string[] = [];
  async store(batch: PendingLog[]): Promise<StoredFlush> {
    this.stored.push(...batch.map((p) => p.log.id));
    return { result: storedAll(batch), rollups: Promise.resolve() };
  }
}

describe('LogSink job keys', () => {
  it('stores the logs of two jobs of one batch (a request split over two queues), and a redelivered job once', async () => {
    const writer = new RecordingWriter();
    const sink = new LogSink(
      writer as unknown as LogWriter,
      { batchSize: 4, flushMs: 20, lanes: 2, flushTimeoutMs: 5_000 },
      pino({ level: 'silent' }),
    );
    const split = job('group-7', 6);
    const first = { ...split, logs: split.logs.slice(0, 3) };
    const second = { ...split, logs: split.logs.slice(3) };
    await Promise.all([
      sink.accept(first, 'logs-ingest{0}:group-7-p0'),
      sink.accept(second, 'logs-ingest{1}:group-7-p1'),
      // The first job again while it is held (its lock lapsed): not buffered twice.
      sink.accept(first, 'logs-ingest{0}:group-7-p0'),
    ]);
    expect(writer.stored.sort()).toEqual(split.logs.map((log) => log.id).sort());
    await sink.close();
  });
});

/** A writer that stores at once and whose rollups each wait until the test settles them. */
class HeldRollupsWriter {
  readonly flushes: { writerId: string; flush: number; settle: (error?: Error) => void }[] = [];
  async store(batch: PendingLog[], writerId: string, flush: number): Promise<StoredFlush> {
    let settle!: (error?: Error) => void;
    const rollups = new Promise<void>((resolve, reject) => {
      settle = (error) => (error ? reject(error) : resolve());
    });
    this.flushes.push({ writerId, flush, settle });
    return { result: storedAll(batch), rollups };
  }
}

describe('LogSink and deferred rollups', () => {
  it('frees the lane once logs are stored, but completes jobs only after their rollups; a rollup failure fails them and retires the writer id', async () => {
    const writer = new HeldRollupsWriter();
    const flushed: number[] = [];
    const sink = new LogSink(
      writer as unknown as LogWriter,
      {
        batchSize: 5,
        flushMs: 20,
        lanes: 1,
        flushTimeoutMs: 5_000,
        onFlushed: (result) => void flushed.push(result.inserted.length),
      },
      pino({ level: 'silent' }),
    );
    let firstDone = false;
    const first = sink.accept(job('held-1', 5), 'q:held-1').then(() => (firstDone = true));
    const second = sink.accept(job('held-2', 5), 'q:held-2');
    // One lane: the second batch could only be stored because the first one's lane was freed before its rollups.
    await waitFor(() => writer.flushes.length === 2, 5_000, 'the second batch was not stored');
    expect(writer.flushes.map((f) => f.flush)).toEqual([1, 2]);
    // ACK marks (onFlushed) wait for the rollups: a log reported persisted is counted.
    expect(flushed).toEqual([]);
    expect(firstDone).toBe(false);

    writer.flushes[0]!.settle();
    await first;
    expect(flushed).toEqual([5]);
    writer.flushes[1]!.settle(new Error('rollup write failed'));
    await expect(second).rejects.toThrow('rollup write failed');
    expect(flushed).toEqual([5]);

    // The next flush of the lane runs under a new writer id, numbered from 1.
    const third = sink.accept(job('held-3', 5), 'q:held-3');
    await waitFor(() => writer.flushes.length === 3, 5_000, 'the third batch was not stored');
    const last = writer.flushes[2]!;
    expect(last.writerId).not.toBe(writer.flushes[0]!.writerId);
    expect(last.flush).toBe(1);
    last.settle();
    await third;
    await sink.close();
  });
});
