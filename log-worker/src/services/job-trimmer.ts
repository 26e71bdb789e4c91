import type { Job, Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { IngestJobData } from '@logstream/shared-types';

/**
 * Completed ingest jobs stay in Redis briefly (the queue's `removeOnComplete` age/count) for the board; their logs
 * are already in MongoDB, so the payload is dropped as soon as a job completes and Redis holds only its summary.
 */
export function trimCompletedPayloads(worker: Worker<IngestJobData>, logger: Logger): void {
  worker.on('completed', (job: Job<IngestJobData>) => {
    const { batchId, receivedAt, logs } = job.data;
    const trimmed = { batchId, receivedAt, logs: [], trimmedLogs: logs.length };
    // The job may already be gone (removeOnComplete); nothing to trim then.
    job.updateData(trimmed as unknown as IngestJobData).catch((error: unknown) => {
      logger.debug({ err: error, jobId: job.id }, 'completed job not trimmed');
    });
  });
}
