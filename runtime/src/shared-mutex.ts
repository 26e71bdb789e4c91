import { setTimeout as sleep } from 'node:timers/promises';
import { ExecutionError, Redlock } from '@sesamecare-oss/redlock';
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
  private readonly waitMs: number;
  private readonly retryDelayMs: number;

  constructor(
    redis: RedisClient,
    private readonly key: string,
    options: SharedMutexOptions = {},
  ) {
    this.holdMs = options.holdMs ?? 10_000;
    this.waitMs = options.waitMs ?? 30_000;
    this.retryDelayMs = options.retryDelayMs ?? 10;
    // One attempt per call: the waiting is done in `run`, so that a release or an extension that fails (Redis
    // restarted empty) fails at once instead of retrying for the whole wait.
    this.redlock = new Redlock([redis], {
      retryCount: 0,
      automaticExtensionThreshold: Math.max(100, Math.floor(this.holdMs / 3)),
    });
    // Redlock emits each refused attempt (the lock held elsewhere) as an 'error' event as well; the outcome reaches
    // the caller as the task's result or a rejection, so the events need no listener of their own.
    this.redlock.on('error', () => undefined);
  }

  /**
   * Runs `task` holding the lock and settles as the task did; rejects without running it when the lock could not be
   * taken within `waitMs`. A lock that cannot be released after the task (Redis restarted empty meanwhile) is left to
   * expire: the task's outcome stands.
   */
  async run<T>(task: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.waitMs;
    for (;;) {
      let outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
      try {
        return await this.redlock.using([this.key], this.holdMs, async () => {
          try {
            const value = await task();
            outcome = { ok: true, value };
            return value;
          } catch (error) {
            outcome = { ok: false, error };
            throw error;
          }
        });
      } catch (error) {
        if (outcome?.ok) return outcome.value;
        if (outcome) throw outcome.error;
        // Not taken: held by another process (or Redis did not answer). Try again until the wait is over.
        if (!(error instanceof ExecutionError) || Date.now() >= deadline) throw error;
      }
      await sleep(this.retryDelayMs * (1 + Math.random()));
    }
  }
}

/** What the mutex's users need of it: {@link SharedMutex.run}. */
export type Mutex = Pick<SharedMutex, 'run'>;

/** No exclusion at all: runs each task at once. For writes the database already isolates (MongoDB's updates). */
export const NO_MUTEX: Mutex = { run: (task) => task() };
