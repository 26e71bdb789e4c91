import type { Queue } from 'bullmq';
import type { IngestQueues } from '@logstream/runtime';
import {
  DEAD_LETTER_RETRY_JOB_NAME,
  DeadLetterJobData,
  type DeadLetterInfo,
  type DeadLetterRetry,
  type IngestJobData,
} from '@logstream/shared-types';
import { AppError } from '../errors';

const LISTED_STATES = [
  'waiting',
  'paused',
  'delayed',
  'prioritized',
  'active',
  'completed',
  'failed',
] as const;

/**
 * Reads the dead-letter queue (filled by the worker) and sends dead letters back to the ingest queue. Storage is
 * idempotent (log ids are derived from the batch), so a retry never stores a log twice.
 */
export class DeadLetterService {
  constructor(
    private readonly ingest: IngestQueues,
    private readonly deadLetter: Queue<DeadLetterJobData>,
  ) {}

  /** The newest `limit` dead letters, newest first, each with the current state of its ingest job. */
  async list(limit = 100): Promise<DeadLetterInfo[]> {
    const jobs = await this.deadLetter.getJobs([...LISTED_STATES], 0, limit - 1, false);
    const entries = await Promise.all(
      jobs.map(async (job) => {
        const parsed = DeadLetterJobData.safeParse(job.data);
        if (!parsed.success) return undefined;
        const { data: _data, ...info } = parsed.data;
        const ingestJob = await this.ingest.getJob(info.jobId);
        const state = ingestJob ? await ingestJob.getState() : 'unknown';
        return { ...info, ingestJobState: state === 'unknown' ? 'missing' : state };
      }),
    );
    return entries
      .filter((entry): entry is DeadLetterInfo => entry !== undefined)
      .sort((a, b) => b.failedAt.localeCompare(a.failedAt));
  }

  /**
   * Retries dead letter `id` (the failed ingest job's id): the failed job goes back to the queue when it still
   * exists, else a new ingest job is made from the dead letter's copy of its data.
   */
  async retry(id: string): Promise<DeadLetterRetry> {
    const letter = await this.deadLetter.getJob(id);
    if (!letter) throw new AppError('not_found', `no dead letter ${id}`);
    const job = await this.ingest.getJob(id);
    if (job) {
      const state = await job.getState();
      if (state !== 'failed') {
        throw new AppError(
          'validation_failed',
          `ingest job ${id} is ${state}, not failed: nothing to retry`,
          { state },
        );
      }
      await job.retry('failed', { resetAttemptsMade: true });
      return { jobId: id, outcome: 'retried' };
    }
    const parsed = DeadLetterJobData.parse(letter.data);
    await this.ingest.add(DEAD_LETTER_RETRY_JOB_NAME, parsed.data as IngestJobData, id);
    return { jobId: id, outcome: 're-enqueued' };
  }
}
