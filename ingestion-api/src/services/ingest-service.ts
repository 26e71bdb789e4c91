import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { AckStore } from '@logstream/ack-store';
import {
  deriveLogId,
  streamOf,
  type AckState,
  type IngestJobData,
  type IngestReceipt,
  type JobLog,
} from '@logstream/shared-types';
import { AppError } from '../errors';
import { validateBatch, type ValidatedBatch } from './validate-batch';

/** Builds the job payload of a validated request; ids are derived here so that every re-delivery maps to them. */
export function toJobData(batchId: string, receivedAt: Date, valid: ValidatedBatch['valid']): IngestJobData {
  const logs: JobLog[] = valid.map(({ index, log }) => ({
    id: deriveLogId(log, batchId, index),
    service: log.service,
    ...(log.instance !== undefined && { instance: log.instance }),
    ...(log.seq !== undefined && { seq: log.seq }),
    level: log.level,
    message: log.message,
    ts: (log.timestamp ?? receivedAt).toISOString(),
    ...(log.requestId !== undefined && { requestId: log.requestId }),
    ...(log.traceId !== undefined && { traceId: log.traceId }),
    ...(log.spanId !== undefined && { spanId: log.spanId }),
    ...(log.meta !== undefined && { meta: log.meta }),
  }));
  return { batchId, receivedAt: receivedAt.toISOString(), logs };
}

/** Turns a Redis failure into a 503 the producer retries, instead of a 500. */
async function redisCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new AppError('unavailable', `${what} is unavailable; retry shortly`, undefined, {
      cause: error,
      headers: { 'Retry-After': '1' },
    });
  }
}

/**
 * Validates a request, marks its numbered logs received in the ACK store, and enqueues the valid logs that are not
 * duplicates as one job. Duplicates of stored or in-flight seqs are acknowledged but not enqueued again.
 */
export class IngestService {
  constructor(
    private readonly queue: Queue<IngestJobData>,
    private readonly ack: AckStore,
  ) {}

  /** Returns the receipt; throws `AppError` (400) when nothing in the request is valid. */
  async ingest(body: unknown): Promise<IngestReceipt> {
    const { valid, rejected } = validateBatch(body);
    if (valid.length === 0) {
      throw new AppError('validation_failed', `none of the ${rejected.length} log(s) is valid`, { rejected });
    }

    const seqsByStream = new Map<string, number[]>();
    for (const { log } of valid) {
      if (log.seq === undefined) continue;
      const stream = streamOf(log);
      seqsByStream.set(stream, [...(seqsByStream.get(stream) ?? []), log.seq]);
    }
    const streams: Record<string, AckState> = {};
    const accepted = new Map<string, Set<number>>();
    for (const [stream, seqs] of seqsByStream) {
      const result = await redisCall('the ACK store', () => this.ack.receive(stream, seqs));
      streams[stream] = result.state;
      accepted.set(stream, result.accepted);
    }
    const fresh = valid.filter(
      ({ log }) => log.seq === undefined || accepted.get(streamOf(log))?.has(log.seq),
    );

    const batchId = randomUUID();
    if (fresh.length > 0) {
      const data = toJobData(batchId, new Date(), fresh);
      await redisCall('the queue', () => this.queue.add('ingest', data, { jobId: batchId }));
    }
    await this.noteReplaysReported(streams);

    const receipt: IngestReceipt = {
      batchId,
      accepted: valid.length,
      rejected,
      duplicates: valid.length - fresh.length,
    };
    const states = Object.values(streams);
    if (states.length > 0) receipt.streams = streams;
    if (states.length === 1) {
      const [only] = states as [AckState];
      Object.assign(receipt, {
        ackTill: only.ackTill,
        persistedTill: only.persistedTill,
        missing: only.missing,
        replay: only.replay,
        status: only.status,
      });
    }
    return receipt;
  }

  /** The ACK state of one stream, for `GET /ack/:stream`. */
  state(stream: string): Promise<AckState> {
    return redisCall('the ACK store', () => this.ack.state(stream));
  }

  /** The ACK state of every known stream (at most `limit`), for `GET /ack`. */
  async states(limit = 500): Promise<AckState[]> {
    const names = await redisCall('the ACK store', () => this.ack.streams());
    const states = await Promise.all(names.slice(0, limit).map((name) => this.ack.state(name)));
    await this.noteReplaysReported(Object.fromEntries(states.map((s) => [s.stream, s])));
    return states;
  }

  /** Replay ranges reported to a producer move from pending to requested (the watcher records the time). */
  async noteReplaysReported(streams: Record<string, AckState>): Promise<void> {
    for (const state of Object.values(streams)) {
      await this.ack.markRequested(state.stream, state.replay);
    }
  }
}
