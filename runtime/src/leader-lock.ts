import { ExecutionError, Redlock, type Lock } from '@sesamecare-oss/redlock';
import type { RedisClient } from './redis';

/** What {@link LeaderLock.runExclusive} did. */
export type ExclusiveRun<T> = { ran: true; result: T } | { ran: false };

/**
 * Leadership of one background task among the processes of a deployment (the replay watcher, the announcer, the
 * retention sweeper), on
 * redlock: taken with `SET NX PX` and a random value, renewed and released by scripts that first check that value, so a
 * process can never renew or release a lock another one holds. Leadership is sticky: the leader renews it every round
 * and keeps it until it stops or fails to renew in time. A leader checks {@link LeaderLock.holds} (or
 * {@link LeaderLock.keep} on long work) between steps, and stops when it no longer holds the lock, because by then
 * another process may.
 */
export class LeaderLock {
  private readonly redlock: Redlock;
  private lock: Lock | undefined;

  constructor(
    redis: RedisClient,
    private readonly key: string,
    private readonly durationMs: number,
  ) {
    // One attempt each round: a process that does not get the lock is simply not the leader this round.
    this.redlock = new Redlock([redis], {
      retryCount: 0,
      automaticExtensionThreshold: Math.max(100, Math.floor(durationMs / 3)),
    });
    // Redlock also emits every refused attempt (the lock held by another process) as an 'error' event; without a
    // listener that would crash the process. The outcome reaches the caller as a result instead.
    this.redlock.on('error', () => undefined);
  }

  /**
   * For occasional work (the retention sweep): runs `routine` while holding the lock, extended automatically for as
   * long as it runs and released after it; resolves `{ ran: false }` at once when another process holds it. The
   * routine's signal aborts if an extension fails: it must stop then.
   */
  async runExclusive<T>(routine: (signal: AbortSignal) => Promise<T>): Promise<ExclusiveRun<T>> {
    try {
      const result = await this.redlock.using([this.key], this.durationMs, (signal) => routine(signal));
      return { ran: true, result };
    } catch (error) {
      if (error instanceof ExecutionError) return { ran: false };
      throw error;
    }
  }

  /** Takes the lock if it is free, or renews it if this process holds it; true while this process leads. */
  async acquireOrRenew(): Promise<boolean> {
    try {
      this.lock = this.holds()
        ? await (this.lock as Lock).extend(this.durationMs)
        : await this.redlock.acquire([this.key], this.durationMs);
      return true;
    } catch {
      this.lock = undefined;
      return false;
    }
  }

  /** Whether this process holds the lock now, with a margin for clock drift and a last step. */
  holds(): boolean {
    return this.lock !== undefined && this.lock.expiration - Date.now() > Math.min(500, this.durationMs / 5);
  }

  /** Renews the lock when half its time is spent; true while this process still leads. For long-running work. */
  async keep(): Promise<boolean> {
    if (!this.holds()) return false;
    if ((this.lock as Lock).expiration - Date.now() < this.durationMs / 2) return this.acquireOrRenew();
    return true;
  }

  /** Gives up leadership (on shutdown), so another process takes over at once. */
  async release(): Promise<void> {
    const lock = this.lock;
    this.lock = undefined;
    await lock?.release().catch(() => undefined);
  }
}
