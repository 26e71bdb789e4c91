import { UnrecoverableError, type Job, type Processor } from 'bullmq';
import { IngestJobData } from '@logstream/shared-types';
import type { LogSink } from '../services/log-sink';

/**
 * Processes one ingest job: validates its payload (a payload that can never be stored is not retried) and resolves
 * only after every log of the job is durably written, so BullMQ marks the job completed only then. `onJob` hears each
 * job's size (the held-logs budget).
 */
export function createIngestProcessor(
  sink: LogSink,
  onJob: (logs: number) => void = () => undefined,
): Processor<IngestJobData, { stored: number; e2eMs: number }> {
  return async (job: Job<IngestJobData>) => {
    const parsed = IngestJobData.safeParse(job.data);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw new UnrecoverableError(
        `invalid ingest job payload at ${first?.path.join('.') || '(root)'}: ${first?.message ?? 'unknown'}`,
      );
    }
    onJob(parsed.data.logs.length);
    await sink.accept(parsed.data, `${job.queueName}:${job.id ?? parsed.data.batchId}`);
    // Ingest → stored latency of this request, reported to the API through the completed event.
    return { stored: parsed.data.logs.length, e2eMs: Date.now() - Date.parse(parsed.data.receivedAt) };
  };
}
