import type { Job, Queue, Worker } from 'bullmq';
import type { Logger } from 'pino';
import {
  DEAD_LETTER_JOB_NAME,
  DEAD_LETTER_RETRY_JOB_NAME,
  type DeadLetterJobData,
  type IngestJobData,
} from '@logstream/shared-types';
import { encodeMetaKeys, type Models } from '@logstream/storage';
import type { WorkerMetrics } from '../metrics/worker-metrics';

/** Options of a {@link DeadLetters}. */
export interface DeadLettersOptions {
  /** Attempts to write a dead letter to MongoDB before giving up (MongoDB may be why the job failed). Default 8. */
  writeAttempts?: number;
  /** First delay between those attempts, doubled each time. Default 500 ms. */
  writeBackoffMs?: number;
}

/** Whether a `failed` event is the job's last: it went to the failed set (finishedOn set) or can never succeed. */
export function isFinalFailure(
  job: Pick<Job, 'finishedOn' | 'attemptsMade' | 'opts'>,
  error: Error,
): boolean {
  return (
    job.finishedOn !== undefined ||
    error.name === 'UnrecoverableError' ||
    job.attemptsMade >= (job.opts.attempts ?? 1)
  );
}

function logsOf(data: unknown): unknown[] {
  const logs = data !== null && typeof data === 'object' ? (data as { logs?: unknown }).logs : undefined;
  if (!Array.isArray(logs)) return [];
  // Meta keys may hold "." or a leading "$", which MongoDB refuses in stored documents.
  return logs.map((log: unknown) => {
    if (log === null || typeof log !== 'object') return log;
    const meta = (log as { meta?: unknown }).meta;
    return meta !== null && typeof meta === 'object' ? { ...log, meta: encodeMetaKeys(meta) } : log;
  });
}

/**
 * Dead-letters ingest jobs that failed their last attempt. The job stays in BullMQ's failed set (the board can retry
 * it); a copy goes to the dead-letter queue (listed by `GET /dead-letters`, retried by `POST /dead-letters/:id/retry`)
 * and its logs and reason to the `dead_letters` collection. When a job that had failed completes later (a retry from
 * the board or the API), the worker sets the document's `retriedAt`.
 */
export class DeadLetters {
  private readonly writeAttempts: number;
  private readonly writeBackoffMs: number;
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly models: Models,
    private readonly queue: Queue<DeadLetterJobData>,
    private readonly logger: Logger,
    private readonly metrics?: WorkerMetrics,
    options: DeadLettersOptions = {},
  ) {
    this.writeAttempts = options.writeAttempts ?? 8;
    this.writeBackoffMs = options.writeBackoffMs ?? 500;
  }

  /** Listens to a worker's `failed` and `completed` events. */
  attach(worker: Worker<IngestJobData>): void {
    worker.on('failed', (job, error) => {
      if (!job || !isFinalFailure(job, error)) return;
      this.track(this.record(job, error));
    });
    worker.on('completed', (job) => {
      // A job with a stack trace failed before; one re-created from the dead-letter queue carries the retry name.
      if (job.name !== DEAD_LETTER_RETRY_JOB_NAME && (job.stacktrace?.length ?? 0) === 0) return;
      this.track(this.markRetried(job.id as string));
    });
  }

  /** Waits for dead-letter writes in progress (at shutdown and in tests). */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Records one dead letter: the dead-letter queue job first (Redis), then the MongoDB document. */
  async record(job: Job, error: Error): Promise<void> {
    const jobId = job.id as string;
    const data: unknown = job.data;
    const logs = logsOf(data);
    const failedAt = new Date(job.finishedOn ?? Date.now());
    const letter: DeadLetterJobData = {
      jobId,
      reason: error.message,
      attemptsMade: job.attemptsMade,
      failedAt: failedAt.toISOString(),
      logCount: logs.length,
      data,
    };
    this.metrics?.deadLetters.inc();
    this.logger.error(
      { jobId, attempts: job.attemptsMade, reason: error.message, logs: logs.length },
      'job dead-lettered',
    );
    // A job dead-lettered again after a retry replaces its earlier letter.
    await this.queue.remove(jobId);
    await this.queue.add(DEAD_LETTER_JOB_NAME, letter, { jobId, removeOnComplete: true });
    const batchId = (data as { batchId?: unknown } | null)?.batchId;
    await this.withRetries(`store dead letter ${jobId}`, () =>
      this.models.DeadLetter.updateOne(
        { _id: jobId },
        {
          $set: {
            batchId: typeof batchId === 'string' ? batchId : jobId,
            reason: letter.reason,
            attemptsMade: letter.attemptsMade,
            logCount: letter.logCount,
            logs,
            failedAt,
            retriedAt: null,
          },
        },
        { upsert: true },
      ),
    );
  }

  /** Marks dead letter `jobId` as retried successfully, if it is one. */
  async markRetried(jobId: string): Promise<void> {
    await this.withRetries(`mark dead letter ${jobId} retried`, async () => {
      const result = await this.models.DeadLetter.updateOne(
        { _id: jobId, retriedAt: null },
        { $set: { retriedAt: new Date() } },
      );
      if (result.modifiedCount > 0) this.logger.info({ jobId }, 'dead letter retried successfully');
    });
  }

  private track(work: Promise<void>): void {
    const tracked = work.catch((error: unknown) =>
      this.logger.error({ err: error }, 'dead-letter bookkeeping failed'),
    );
    this.pending.add(tracked);
    void tracked.finally(() => this.pending.delete(tracked));
  }

  private async withRetries(what: string, write: () => Promise<unknown>): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await write();
        return;
      } catch (error) {
        if (attempt >= this.writeAttempts) throw error;
        const delay = this.writeBackoffMs * 2 ** (attempt - 1);
        this.logger.warn({ err: error, attempt, delayMs: delay }, `cannot ${what} yet; retrying`);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}
