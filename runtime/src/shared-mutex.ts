import { Redlock } from '@sesamecare-oss/redlock';
import type { RedisClient } from './redis';

/** Settings of a {@link SharedMutex}. */
export interface SharedMutexOptions {
  /**
   * How long the lock outlives a holder that stops renewing it (a killed process). While the holder's task runs, the
   * lock is extended automatically. Default 10 000 ms.
   */
  holdMs?: number;
  /** How long a process waits for the lock before its task fails. Default 30 000 ms. */
  waitMs?: number;
  /** Pause between two attempts to take the lock (plus up to as much again, at random). Default 10 ms. */
  retryDelayMs?: number;
}

/**
 * Mutual exclusion among the processes of a deployment, on redlock: {@link SharedMutex.run} waits for the lock, runs
 * its task while holding it (extended for as long as the task runs) and releases it after. Unlike a
 * {@link LeaderLock}, every process gets its turn: this is for short critical sections that many processes enter, one
 * at a time. The lock is advisory and lives in Redis: a task that outlives a lost Redis (a restart) may overlap with
 * the next holder's, so it is for writes that are correct when serialized, not a fence.
 */
export class SharedMutex {
  private readonly redlock: Redlock;
  private readonly holdMs: number;

  constructor(
    redis: RedisClient,
    private readonly key: string,
    options: SharedMutexOptions = {},
  ) {
    this.holdMs = options.holdMs ?? 10_000;
    const retryDelay = options.retryDelayMs ?? 10;
    this.redlock = new Redlock([redis], {
      retryCount: Math.ceil((options.waitMs ?? 30_000) / (retryDelay * 1.5)),
      retryDelay,
      retryJitter: retryDelay,
      automaticExtensionThreshold: Math.max(100, Math.floor(this.holdMs / 3)),
    });
    // Redlock emits each refused attempt (the lock held elsewhere) as an 'error' event as well; the outcome reaches
    // the caller as the task's result or a rejection, so the events need no listener of their own.
    this.redlock.on('error', () => undefined);
  }

  /** Runs `task` holding the lock; rejects without running it when the lock could not be taken within `waitMs`. */
  run<T>(task: () => Promise<T>): Promise<T> {
    return this.redlock.using([this.key], this.holdMs, () => task());
  }
}
