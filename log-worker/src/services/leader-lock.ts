import { ExecutionError, Redlock } from '@sesamecare-oss/redlock';
import type { Redis } from 'ioredis';

/**
 * A leader lock for background jobs that one worker of a deployment should run at a time (the retention sweeper).
 * Redlock on the worker's Redis: the lock is extended automatically while the routine runs and released after it.
 */
export class LeaderLock {
  private readonly redlock: Redlock;

  constructor(
    redis: Redis,
    private readonly key: string,
    private readonly ttlMs = 30_000,
  ) {
    // One attempt: a worker that does not get the lock simply skips this round.
    this.redlock = new Redlock([redis], {
      retryCount: 0,
      automaticExtensionThreshold: Math.floor(ttlMs / 3),
    });
  }

  /** Runs `routine` if this process gets the lock; resolves `{ ran: false }` when another holds it. */
  async runExclusive<T>(
    routine: (signal: AbortSignal) => Promise<T>,
  ): Promise<{ ran: true; result: T } | { ran: false }> {
    try {
      const result = await this.redlock.using([this.key], this.ttlMs, (signal) => routine(signal));
      return { ran: true, result };
    } catch (error) {
      if (error instanceof ExecutionError) return { ran: false };
      throw error;
    }
  }
}
