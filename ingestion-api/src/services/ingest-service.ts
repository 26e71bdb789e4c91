import { randomUUID } from 'node:crypto';
import type { AckStore } from '@logstream/ack-store';
import type { IngestQueues } from '@logstream/runtime';
import type { AckState, IngestReceipt } from '@logstream/shared-types';
import { AppError } from '../errors';
import { fingerprintLog } from './fingerprint';
import { GroupCommitter } from './group-committer';
import { commitIngestGroup, type PreparedRequest, type ValidItem } from './ingest-commit';
import { validateBatch } from './validate-batch';

/** How requests are grouped (see {@link GroupCommitter}). */
export interface GroupCommitOptions {
  /** Most logs one group (one queue job) holds; a larger request goes alone. Default 1000. */
  maxLogs: number;
  /** Most requests one group holds. Default 256. */
  maxRequests: number;
  /** Groups committing at once. Default 4. */
  maxInFlight: number;
}

/** The defaults, also of the API's `GROUP_COMMIT_*` settings. */
export const DEFAULT_GROUP_COMMIT: GroupCommitOptions = { maxLogs: 1000, maxRequests: 256, maxInFlight: 4 };

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
 * Validates a request, marks its numbered logs received in the ACK store (per sequence space: a stream, or one
 * producer session of it), and enqueues every valid log that is new, resent on request, or a repeat of a stored seq
 * (the worker compares it with the stored copy). Retries of in-flight logs are acknowledged and not enqueued again; a
 * seq reused in flight with other content is refused, never acknowledged and dropped.
 *
 * Requests arriving together are committed as a group (group commit): one ACK-store round trip and one queue job for
 * all of them, and still one receipt per request, answered only once the job holding its logs is added
 * (`commitIngestGroup`).
 */
export class IngestService {
  private readonly committer: GroupCommitter<PreparedRequest, IngestReceipt>;

  constructor(
    queues: IngestQueues,
    private readonly ack: AckStore,
    options: Partial<GroupCommitOptions> = {},
  ) {
    const group = { ...DEFAULT_GROUP_COMMIT, ...options };
    this.committer = new GroupCommitter({
      commit: (requests) => commitIngestGroup({ queues, ack }, requests),
      maxWeight: group.maxLogs,
      maxEntries: group.maxRequests,
      maxInFlight: group.maxInFlight,
    });
  }

  /** Groups committed and requests in them since start. */
  get groupStats(): Readonly<{ groups: number; entries: number; largestGroup: number }> {
    return this.committer.stats;
  }

  /** Returns the receipt; throws `AppError` when nothing in the request can be taken. */
  async ingest(body: unknown): Promise<IngestReceipt> {
    const { valid, rejected } = validateBatch(body);
    if (valid.length === 0) {
      throw new AppError('validation_failed', `none of the ${rejected.length} log(s) is valid`, { rejected });
    }
    const items: ValidItem[] = valid.map(({ index, log }) =>
      log.seq === undefined ? { index, log } : { index, log, fingerprint: fingerprintLog(log) },
    );
    const request: PreparedRequest = { batchId: randomUUID(), receivedAt: new Date(), items, rejected };
    return this.committer.submit(request, items.length);
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
}
