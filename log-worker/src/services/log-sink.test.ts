import pino from 'pino';
import type { IngestJobData } from '@logstream/shared-types';
import type { LogWriter, PendingLog, WriteResult } from '../repositories/log-writer';
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

/** A writer whose first write never settles (a database call that never returns), later ones succeed. */
class StuckOnceWriter {
  readonly calls: { writerId: string; flush: number }[] = [];
  async write(batch: PendingLog[], writerId: string, flush: number): Promise<WriteResult> {
    this.calls.push({ writerId, flush });
    if (this.calls.length === 1) return new Promise<WriteResult>(() => undefined);
    return { inserted: batch.map((p) => p.log), duplicates: [], conflicts: [], recoveredFlushes: 0 };
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
  async write(batch: PendingLog[]): Promise<WriteResult> {
    this.stored.push(...batch.map((p) => p.log.id));
    return { inserted: batch.map((p) => p.log), duplicates: [], conflicts: [], recoveredFlushes: 0 };
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
