import { randomBytes } from 'node:crypto';
import pTimeout from 'p-timeout';
import type { Logger } from 'pino';
import type { IngestJobData } from '@logstream/shared-types';
import type { LogWriter, PendingLog, WriteResult } from '../repositories/log-writer';
import { BatchBuffer, type FlushOutcome } from './batch-buffer';

/** A writer id no other flush lane of any process uses. */
function newWriterId(): string {
  return randomBytes(6).toString('hex');
}

/** Options of a {@link LogSink}. */
export interface LogSinkOptions {
  batchSize: number;
  flushMs: number;
  lanes: number;
  /**
   * A flush that has not finished after this long fails (its jobs are retried and its writer id retired), so one
   * database call that never returns cannot hold every buffered job forever.
   */
  flushTimeoutMs: number;
  /** Called after each successful flush (metrics, ACK watermarks, live events). */
  onFlushed?: (result: WriteResult, durationMs: number, items: PendingLog[]) => Promise<void> | void;
}

/**
 * Where jobs hand their logs: buffers them across jobs and writes them through the {@link LogWriter}, one writer id
 * per flush lane so that each writer's flushes are numbered and run in order.
 */
export class LogSink {
  private readonly buffer: BatchBuffer<PendingLog>;
  private readonly writerIds: string[];
  private readonly flushCounts: number[];

  constructor(
    private readonly writer: LogWriter,
    private readonly options: LogSinkOptions,
    private readonly logger: Logger,
  ) {
    this.writerIds = Array.from({ length: options.lanes }, () => newWriterId());
    this.flushCounts = this.writerIds.map(() => 0);
    this.buffer = new BatchBuffer<PendingLog>({
      size: options.batchSize,
      flushMs: options.flushMs,
      lanes: options.lanes,
      flush: (items, lane) => this.flush(items, lane),
    });
  }

  /** Logs waiting in memory for a flush. */
  get buffered(): number {
    return this.buffer.waiting;
  }

  /**
   * Buffers a job's logs; resolves once every one of them is stored. `jobKey` names the queue job (queue and job id):
   * the same job delivered again while its logs are held is not buffered twice. Not the `batchId`: the jobs of one
   * request or group split over several queues share it, and each holds logs of its own.
   */
  accept(job: IngestJobData, jobKey: string): Promise<void> {
    const receivedAt = new Date(job.receivedAt);
    return this.buffer.add(
      job.logs.map((log) => ({ log, batchId: log.batchId ?? job.batchId, receivedAt })),
      jobKey,
    );
  }

  /** Writes what is buffered and waits for running flushes. */
  close(): Promise<void> {
    return this.buffer.close();
  }

  /**
   * Stores a batch; the lane is free once its logs are stored, and its jobs complete once its rollup increments are
   * applied (written together with the next flushes', see LogWriter.store) and then `onFlushed` (ACK marks) has run.
   */
  private async flush(items: PendingLog[], lane: number): Promise<FlushOutcome> {
    const writerId = this.writerIds[lane] as string;
    const flush = (this.flushCounts[lane] = (this.flushCounts[lane] ?? 0) + 1);
    const started = performance.now();
    const deadline = `flush ${writerId}:${flush} of ${items.length} logs took over ${this.options.flushTimeoutMs} ms`;
    try {
      const { result, rollups } = await pTimeout(
        this.writer.store(items, writerId, flush),
        this.options.flushTimeoutMs,
        deadline,
      );
      const durationMs = performance.now() - started;
      this.logger.debug(
        { lane, flush, inserted: result.inserted.length, duplicates: result.duplicates.length, durationMs },
        'flushed',
      );
      if (result.recoveredFlushes > 0) {
        this.logger.info({ recovered: result.recoveredFlushes }, 'completed rollups of interrupted flushes');
      }
      // The lane is free from here: the flush's rollups and then its ACK marks follow beside the next flushes. Marks
      // after rollups: a log reported persisted is counted too, so a producer stops resending it only then (should
      // the worker die in between and the job be lost with Redis, the producer's resend brings the count back).
      const after = rollups.then(() => this.options.onFlushed?.(result, durationMs, items));
      const settled = pTimeout(after, this.options.flushTimeoutMs, `${deadline} (ACK marks, rollups)`).then(
        () => undefined,
        (error: unknown) => {
          this.retire(lane, writerId, flush, items.length, error);
          throw error;
        },
      );
      return { settled };
    } catch (error) {
      this.retire(lane, writerId, flush, items.length, error);
      throw error;
    }
  }

  /**
   * A failed flush may have stored part of its logs and applied part of its rollup increments. Its writer id is
   * retired, so its flush mark never moves past it: whichever worker meets those logs again as duplicates applies the
   * missing increments exactly once (see LogWriter). Only once per writer id: the lane may be on its next one already.
   */
  private retire(lane: number, writerId: string, flush: number, items: number, error: unknown): void {
    if (this.writerIds[lane] === writerId) {
      this.writerIds[lane] = newWriterId();
      this.flushCounts[lane] = 0;
    }
    this.logger.warn({ err: error, lane, flush, items }, 'flush failed; its jobs will be retried');
  }
}
