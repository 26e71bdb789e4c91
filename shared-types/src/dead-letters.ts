import { z } from 'zod';

/** Name of a dead-letter queue job; also the name of an ingest job re-created from one by `POST /dead-letters/:id/retry`. */
export const DEAD_LETTER_JOB_NAME = 'dead-letter';
export const DEAD_LETTER_RETRY_JOB_NAME = 'dead-letter-retry';

/**
 * Payload of a job on the dead-letter queue: an ingest job that failed its last attempt. `data` is the ingest job's
 * payload as it was (possibly invalid, which may be why it failed), so that it can be enqueued again.
 */
export const DeadLetterJobData = z.object({
  /** Id of the failed ingest job (its batchId). */
  jobId: z.string(),
  reason: z.string(),
  attemptsMade: z.int().nonnegative(),
  failedAt: z.iso.datetime(),
  logCount: z.int().nonnegative(),
  data: z.unknown(),
});
export type DeadLetterJobData = z.infer<typeof DeadLetterJobData>;

/** One entry of `GET /dead-letters`. */
export const DeadLetterInfo = DeadLetterJobData.omit({ data: true }).extend({
  /** State of the failed ingest job now: `failed` until retried, then `waiting`/`active`/`completed`, or `missing`. */
  ingestJobState: z.string(),
});
export type DeadLetterInfo = z.infer<typeof DeadLetterInfo>;

/** Answer of `POST /dead-letters/:id/retry`. */
export const DeadLetterRetry = z.object({
  jobId: z.string(),
  /** `retried`: the failed job went back to the queue; `re-enqueued`: it was gone, a new job carries its data. */
  outcome: z.enum(['retried', 're-enqueued']),
});
export type DeadLetterRetry = z.infer<typeof DeadLetterRetry>;
