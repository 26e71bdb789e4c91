import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { AckStore, ReceiveVerdict } from '@logstream/ack-store';
import {
  deriveLogId,
  groupBy,
  parseSequenceSpace,
  sequenceSpaceOf,
  type AckState,
  type IngestJobData,
  type IngestReceipt,
  type ItemRejection,
  type JobLog,
} from '@logstream/shared-types';
import { AppError } from '../errors';
import { fingerprintLog } from './fingerprint';
import { validateBatch, type ValidatedBatch } from './validate-batch';

type ValidItem = ValidatedBatch['valid'][number] & { fingerprint?: string };

/** Builds the job payload of a validated request; ids are derived here so that every re-delivery maps to them. */
export function toJobData(batchId: string, receivedAt: Date, valid: ValidItem[]): IngestJobData {
  const logs: JobLog[] = valid.map(({ index, log, fingerprint }) => ({
    id: deriveLogId(log, batchId, index),
    service: log.service,
    ...(log.instance !== undefined && { instance: log.instance }),
    ...(log.session !== undefined && { session: log.session }),
    ...(log.seq !== undefined && { seq: log.seq }),
    ...(fingerprint !== undefined && { fp: fingerprint }),
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

const ENQUEUED: ReadonlySet<ReceiveVerdict> = new Set(['new', 'resent', 'verify']);

function conflictRejection(item: ValidItem, space: string): ItemRejection {
  const { stream, session } = parseSequenceSpace(space);
  const where = session ? `stream ${stream}, session ${session}` : `stream ${stream} (no session)`;
  return {
    index: item.index,
    errors: [
      {
        field: 'seq',
        message:
          `seq ${item.log.seq} of ${where} was already received with different content and is not stored yet; ` +
          'a producer that numbers logs anew must send a new session (see docs/protocol.md)',
      },
    ],
  };
}

/**
 * Validates a request, marks its numbered logs received in the ACK store (per sequence space: a stream, or one
 * producer session of it), and enqueues as one job every valid log that is new, resent on request, or a repeat of a
 * stored seq (the worker compares it with the stored copy). Retries of in-flight logs are acknowledged and not
 * enqueued again; a seq reused in flight with other content is refused, never acknowledged and dropped.
 */
export class IngestService {
  constructor(
    private readonly queue: Queue<IngestJobData>,
    private readonly ack: AckStore,
  ) {}

  /** Returns the receipt; throws `AppError` when nothing in the request can be taken. */
  async ingest(body: unknown): Promise<IngestReceipt> {
    const { valid, rejected } = validateBatch(body);
    if (valid.length === 0) {
      throw new AppError('validation_failed', `none of the ${rejected.length} log(s) is valid`, { rejected });
    }

    const items: ValidItem[] = valid.map((item) =>
      item.log.seq === undefined ? item : { ...item, fingerprint: fingerprintLog(item.log) },
    );
    const bySpace = groupBy(
      items.filter((item) => item.log.seq !== undefined),
      (item) => sequenceSpaceOf(item.log),
    );
    const results = await redisCall('the ACK store', () =>
      Promise.all(
        [...bySpace].map(async ([space, spaceItems]) => ({
          space,
          spaceItems,
          result: await this.ack.receive(
            space,
            spaceItems.map((item) => ({ seq: item.log.seq as number, fingerprint: item.fingerprint as string })),
          ),
        })),
      ),
    );

    const streams: Record<string, AckState> = {};
    const verdictOf = new Map<ValidItem, ReceiveVerdict>();
    const conflicts: ItemRejection[] = [];
    for (const { space, spaceItems, result } of results) {
      if (result.kind === 'overflow') {
        throw new AppError(
          'backpressure',
          `${space} has ${result.intervals} separate runs of received seqs (gaps between them); resend the ` +
            'missing seqs (the receipt and GET /ack list them) before sending new ones',
          { space, intervals: result.intervals },
          { headers: { 'Retry-After': '2' } },
        );
      }
      streams[space] = result.state;
      spaceItems.forEach((item, position) => {
        const verdict = result.verdicts[position] as ReceiveVerdict;
        verdictOf.set(item, verdict);
        if (verdict === 'conflict') conflicts.push(conflictRejection(item, space));
      });
    }

    const enqueue = items.filter((item) => {
      const verdict = verdictOf.get(item);
      return verdict === undefined || ENQUEUED.has(verdict);
    });
    const repeats = items.filter((item) => {
      const verdict = verdictOf.get(item);
      return verdict === 'duplicate' || verdict === 'verify';
    }).length;
    if (conflicts.length === items.length) {
      throw new AppError(
        'seq_conflict',
        `every log reuses a seq already received with other content`,
        { rejected: [...rejected, ...conflicts] },
      );
    }

    const batchId = randomUUID();
    if (enqueue.length > 0) {
      const data = toJobData(batchId, new Date(), enqueue);
      await redisCall('the queue', () => this.queue.add('ingest', data, { jobId: batchId }));
    }
    await this.noteReplaysReported(streams);

    const receipt: IngestReceipt = {
      batchId,
      accepted: valid.length - conflicts.length,
      rejected: [...rejected, ...conflicts].sort((a, b) => a.index - b.index),
      duplicates: repeats,
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

  /** The ACK state of one sequence space, for `GET /ack/:stream`. Reads only. */
  state(space: string): Promise<AckState> {
    return redisCall('the ACK store', () => this.ack.state(space));
  }

  /** The ACK state of the active sequence spaces (at most `limit`, most recently changed first), for `GET /ack`. */
  async states(limit = 500): Promise<AckState[]> {
    const active = await redisCall('the ACK store', () => this.ack.activeSpaces(limit));
    return redisCall('the ACK store', () => Promise.all(active.map(({ space }) => this.ack.state(space))));
  }

  /** Replay ranges a receipt reports move from pending to requested (the watcher records the time). */
  private async noteReplaysReported(streams: Record<string, AckState>): Promise<void> {
    await Promise.all(
      Object.entries(streams).map(([space, state]) => this.ack.markRequested(space, state.replay)),
    );
  }
}
