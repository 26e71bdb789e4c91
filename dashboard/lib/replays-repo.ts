import type { ReplayRequest } from '@logstream/shared-types';
import { toReplayRequest, type ReplayDoc } from '@logstream/storage';
import { models } from './db';

/** The latest replay requests, newest first, read from the `replays` collection. */
export async function latestReplays(limit = 100): Promise<ReplayRequest[]> {
  const { Replay } = await models();
  const docs = await Replay.find().sort({ createdAt: -1 }).limit(limit).lean();
  return docs.map((doc) => toReplayRequest(doc as ReplayDoc & { _id: string }));
}
