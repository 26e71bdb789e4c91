import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import { REPLAY_STATUSES, type ReplayRequest } from '@logstream/shared-types';

/** Replay requests: gaps (or manual triggers) a producer is asked to resend. */
export const replaySchema = new Schema(
  {
    _id: { type: String, required: true },
    stream: { type: String, required: true },
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

/** Stores a new pending replay request and returns it in the API shape. */
export async function createReplayRequest(
  Replay: ReplayModel,
  request: { stream: string; from: number; to: number; origin: 'gap' | 'manual' },
): Promise<ReplayRequest> {
  const createdAt = new Date();
  const doc = {
    _id: `${request.stream}:${request.from}-${request.to}:${createdAt.getTime()}`,
    ...request,
    status: 'pending' as const,
    createdAt,
    requestedAt: null,
    completedAt: null,
    expiredAt: null,
  };
  await Replay.create(doc);
  return toReplayRequest(doc);
}
