import type { Queue } from 'bullmq';

/**
 * When the oldest job still waiting, active or retrying in a queue was enqueued, or undefined when there is none.
 * Looks at the head of the waiting list and at every active and delayed job (bounded by concurrency and retries).
 */
export async function oldestPendingJobAt(queue: Queue): Promise<number | undefined> {
  const [head, active, delayed] = await Promise.all([
    // asc = true: the oldest waiting job (the default order lists the newest first).
    queue.getJobs(['waiting', 'prioritized'], 0, 0, true),
    queue.getActive(0, 199),
    queue.getDelayed(0, 199),
  ]);
  const times = [...head, ...active, ...delayed].map((job) => job.timestamp).filter((t) => Number.isFinite(t));
  return times.length > 0 ? Math.min(...times) : undefined;
}
