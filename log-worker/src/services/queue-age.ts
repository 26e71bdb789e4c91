import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/**
 * When the oldest job still waiting, active or retrying in a queue was enqueued, or undefined when there is none.
 * Reads job ids and their `timestamp` field straight from BullMQ's keys: loading whole jobs (each carries up to a
 * thousand logs) on every watcher tick would cost far more than the answer is worth.
 */
export async function oldestPendingJobAt(client: Redis, queue: Queue): Promise<number | undefined> {
  const key = (name: string) => queue.toKey(name);
  const [oldestWaiting, active, delayed, prioritized] = await Promise.all([
    client.lindex(key('wait'), -1), // BullMQ pushes on the left: the tail is the oldest
    client.lrange(key('active'), 0, 199),
    client.zrange(key('delayed'), 0, 199),
    client.zrange(key('prioritized'), 0, 0),
  ]);
  const ids = [oldestWaiting, ...active, ...delayed, ...prioritized].filter((id): id is string =>
    Boolean(id),
  );
  if (ids.length === 0) return undefined;
  const pipeline = client.pipeline();
  for (const id of ids) pipeline.hget(key(id), 'timestamp');
  const times = ((await pipeline.exec()) ?? [])
    .map(([, value]) => Number(value))
    .filter((t) => Number.isFinite(t) && t > 0);
  return times.length > 0 ? Math.min(...times) : undefined;
}
