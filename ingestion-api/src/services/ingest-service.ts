import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import { deriveLogId, type IngestJobData, type IngestReceipt, type JobLog } from '@logstream/shared-types';
import { AppError } from '../errors';
import { validateBatch } from './validate-batch';

/** Builds the job payload of a validated request; ids are derived here so that every re-delivery maps to them. */
export function toJobData(batchId: string, receivedAt: Date, valid: ReturnType<typeof validateBatch>['valid']): IngestJobData {
  const logs: JobLog[] = valid.map(({ index, log }) => ({
    id: deriveLogId(log, batchId, index),
    service: log.service,
    ...(log.instance !== undefined && { instance: log.instance }),
    ...(log.seq !== undefined && { seq: log.seq }),
    level: log.level,
    message: log.message,
    ts: (log.timestamp ?? receivedAt).toISOString(),
    ...(log.requestId !== undefined && { requestId: log.requestId }),
    ...(log.meta !== undefined && { meta: log.meta }),
  }));
  return { batchId, receivedAt: receivedAt.toISOString(), logs };
}

/** Validates a request and enqueues its valid logs as one job. */
export class IngestService {
  constructor(private readonly queue: Queue<IngestJobData>) {}

  /** Returns the receipt; throws `AppError` (400) when nothing in the request is valid. */
  async ingest(body: unknown): Promise<IngestReceipt> {
    const { valid, rejected } = validateBatch(body);
    if (valid.length === 0) {
      throw new AppError('validation_failed', `none of the ${rejected.length} log(s) is valid`, { rejected });
    }
    const batchId = randomUUID();
    const data = toJobData(batchId, new Date(), valid);
    await this.queue.add('ingest', data, { jobId: batchId });
    return { batchId, accepted: valid.length, rejected };
  }
}
