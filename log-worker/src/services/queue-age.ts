import type { Queue } from 'bullmq';
import { defineScript, type RedisClient } from '@logstream/runtime';

/**
 * Finds the oldest creation time among every job still waiting, paused, prioritized, active or delayed (retrying) in a
 * BullMQ queue, in one round trip: job ids are read from the queue's lists and sorted sets and each job's `timestamp`
 * field from its hash, server-side, so the answer covers every pending job, not a window of the newest.
 *
 * KEYS[1] wait list, KEYS[2] paused list, KEYS[3] active list, KEYS[4] delayed zset, KEYS[5] prioritized zset.
 * ARGV[1] the prefix of job hash keys (`<prefix>:<queue>:`); job hashes share the queue's hash tag when it has one.
 * Reply: the oldest timestamp in ms, or false when no job is pending.
 */
const OLDEST_PENDING_JOB_LUA = `
local jobKeyPrefix = ARGV[1]
local oldest = nil
local function consider(jobIds)
  for _, jobId in ipairs(jobIds) do
    local created = tonumber(redis.call('HGET', jobKeyPrefix .. jobId, 'timestamp') or '')
    if created and (not oldest or created < oldest) then oldest = created end
  end
end
for listIndex = 1, 3 do consider(redis.call('LRANGE', KEYS[listIndex], 0, -1)) end
for setIndex = 4, 5 do consider(redis.call('ZRANGE', KEYS[setIndex], 0, -1)) end
if oldest then return string.format('%.0f', oldest) end
return false
`;

/** Registers the script on a connection; returns a function answering for one queue (undefined when none pending). */
export function oldestPendingJob(client: RedisClient, queue: Queue): () => Promise<number | undefined> {
  const call = defineScript(client, 'logstreamOldestPendingJob', {
    numberOfKeys: 5,
    lua: OLDEST_PENDING_JOB_LUA,
  });
  const keys = ['wait', 'paused', 'active', 'delayed', 'prioritized'].map((name) => queue.toKey(name));
  return async () => {
    const oldest = await call(keys, [queue.toKey('')]);
    return oldest ? Number(oldest) : undefined;
  };
}
