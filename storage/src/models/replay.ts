import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import {
  parseSequenceSpace,
  parseStream,
  REPLAY_STATUSES,
  sequenceSpaceOf,
  type ReplayRequest,
} from '@logstream/shared-types';

/** Replay requests: gaps (or manual triggers) a producer is asked to resend. */
export const replaySchema = new Schema(
  {
    _id: { type: String, required: true },
    stream: { type: String, required: true },
    session: { type: String, default: null },
    from: { type: Number, required: true },
    to: { type: Number, required: true },
    status: { type: String, required: true, enum: REPLAY_STATUSES },
    origin: { type: String, required: true, enum: ['gap', 'manual'] },
    createdAt: { type: Date, required: true },
    requestedAt: { type: Date, default: null },
    completedAt: { type: Date, default: null },
    expiredAt: { type: Date, default: null },
  },
  { collection: 'replays', versionKey: false },
);
replaySchema.index({ status: 1, createdAt: -1 });
replaySchema.index({ stream: 1, from: 1 });
replaySchema.index({ createdAt: -1 });

export type ReplayDoc = InferSchemaType<typeof replaySchema>;
export type ReplayModel = Model<ReplayDoc>;

/** The `replays` model on a given connection. */
export function replayModel(connection: Connection): ReplayModel {
  return (
    (connection.models.Replay as ReplayModel | undefined) ??
    connection.model<ReplayDoc>('Replay', replaySchema)
  );
}

/** The API shape of a stored replay request. */
export function toReplayRequest(doc: ReplayDoc & { _id: string }): ReplayRequest {
  const iso = (date: Date | null | undefined) => (date ? new Date(date).toISOString() : null);
  return {
    id: doc._id,
    stream: doc.stream,
    ...(doc.session ? { session: doc.session } : {}),
    from: doc.from,
    to: doc.to,
    status: doc.status as ReplayRequest['status'],
    origin: doc.origin as ReplayRequest['origin'],
    createdAt: new Date(doc.createdAt).toISOString(),
    requestedAt: iso(doc.requestedAt),
    completedAt: iso(doc.completedAt),
    expiredAt: iso(doc.expiredAt),
  };
}

/** The sequence space a stored replay request belongs to. */
export function replaySpace(doc: Pick<ReplayDoc, 'stream' | 'session'>): string {
  return sequenceSpaceOf({ ...parseStream(doc.stream), session: doc.session ?? undefined });
}

/** The id of the replay request for one range of one sequence space: the same range always maps to the same id. */
export function replayRequestId(space: string, from: number, to: number): string {
  return `${space}:${from}-${to}`;
}

/**
 * Opens the replay request for `from..to` of a sequence space and returns it in the API shape. Ids are stable: asking
 * again for a range that already has a request returns that request (reopened if it had ended), never a new document.
 */
export async function createReplayRequest(
  Replay: ReplayModel,
  request: { space: string; from: number; to: number; origin: 'gap' | 'manual' },
): Promise<ReplayRequest> {
  const { stream, session } = parseSequenceSpace(request.space);
  const _id = replayRequestId(request.space, request.from, request.to);
  const fresh = {
    stream,
    session: session ?? null,
    from: request.from,
    to: request.to,
    origin: request.origin,
    status: 'pending' as const,
    createdAt: new Date(),
    requestedAt: null,
    completedAt: null,
    expiredAt: null,
  };
  const existing = await Replay.findOneAndUpdate(
    { _id },
    { $setOnInsert: fresh },
    { upsert: true, new: true },
  ).lean();
  if (existing && (existing.status === 'completed' || existing.status === 'expired')) {
    await Replay.updateOne({ _id }, { $set: fresh });
    return toReplayRequest({ _id, ...fresh });
  }
  return toReplayRequest((existing ?? { _id, ...fresh }) as ReplayDoc & { _id: string });
}
