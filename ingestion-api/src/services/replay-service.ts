import type { AckStore } from '@logstream/ack-store';
import {
  parseStream,
  sequenceSpaceOf,
  type ReplayRequest,
  type ReplayStatus,
  type ReplayTrigger,
} from '@logstream/shared-types';
import { createReplayRequest, toReplayRequest, type Models, type ReplayDoc } from '@logstream/storage';
import { AppError } from '../errors';

/** Largest range one manual trigger may ask for. */
export const MAX_MANUAL_REPLAY = 100_000;

/**
 * Replay requests as the API shows them. The database connection is awaited per call, never at start, so that ingest
 * keeps working while MongoDB is down; these routes answer 503 then.
 */
export class ReplayService {
  constructor(
    private readonly models: () => Promise<Models>,
    private readonly ack: AckStore,
    private readonly onRequested?: (replay: ReplayRequest) => void,
  ) {}

  private async db(): Promise<Models> {
    try {
      return await this.models();
    } catch (error) {
      throw new AppError('unavailable', 'the database is unavailable', undefined, {
        cause: error,
        headers: { 'Retry-After': '5' },
      });
    }
  }

  /** Newest first, optionally by status and stream. */
  async list(filter: { status?: ReplayStatus; stream?: string; limit: number }): Promise<ReplayRequest[]> {
    const models = await this.db();
    const query: Record<string, unknown> = {};
    if (filter.status) query.status = filter.status;
    if (filter.stream) query.stream = filter.stream;
    const docs = await models.Replay.find(query).sort({ createdAt: -1 }).limit(filter.limit).lean();
    return docs.map((doc) => toReplayRequest(doc as ReplayDoc & { _id: string }));
  }

  /** Opens a manual replay of `from..to`; the worker's watcher completes or expires it. */
  async trigger({ stream, session, from, to }: ReplayTrigger): Promise<ReplayRequest> {
    if (to - from + 1 > MAX_MANUAL_REPLAY) {
      throw new AppError('validation_failed', `at most ${MAX_MANUAL_REPLAY} seqs per replay request`);
    }
    const models = await this.db();
    const space = sequenceSpaceOf({ ...parseStream(stream), session });
    const request = await createReplayRequest(models.Replay, { space, from, to, origin: 'manual' });
    await this.ack.openReplay(space, from, to);
    this.onRequested?.(request);
    return request;
  }
}
