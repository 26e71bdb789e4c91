import type { ReplayRequest } from '@logstream/shared-types';
import { models } from './db';

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

/** The latest replay requests, newest first, read from the `replays` collection. */
export async function latestReplays(limit = 100): Promise<ReplayRequest[]> {
  const { Replay } = await models();
  const docs = await Replay.find().sort({ createdAt: -1 }).limit(limit).lean();
  return docs.map((d) => ({
    id: d._id,
    stream: d.stream,
    from: d.from,
    to: d.to,
    status: d.status as ReplayRequest['status'],
    origin: d.origin as ReplayRequest['origin'],
    createdAt: new Date(d.createdAt).toISOString(),
    requestedAt: iso(d.requestedAt),
    completedAt: iso(d.completedAt),
    expiredAt: iso(d.expiredAt),
  }));
}
