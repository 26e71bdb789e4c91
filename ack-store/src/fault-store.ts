import type { RedisClient } from '@logstream/runtime';
import type { FaultAction, FaultState } from '@logstream/shared-types';

/** Default length of each timed fault. */
export const FAULT_DEFAULT_MS: Record<'crash-worker' | 'network-failure' | 'delay-ack', number> = {
  'crash-worker': 5_000,
  'network-failure': 10_000,
  'delay-ack': 3_000,
};

/** Latency delay-ack adds to each ingest answer. */
export const DELAY_ACK_MS = 1_500;

const FIELDS = {
  'crash-worker': 'workerCrashedUntil',
  'network-failure': 'networkFailureUntil',
  'delay-ack': 'delayAckUntil',
} as const;

/**
 * Injected faults, kept in Redis so that every API instance and worker sees the same ones. Each timed fault is stored
 * as the time it ends; nothing needs to clear it.
 */
export class FaultStore {
  private readonly key: string;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    private readonly enabled: boolean,
  ) {
    this.key = `${prefix}:faults`;
  }

  /** The faults in force now. */
  async state(): Promise<FaultState> {
    const raw = this.enabled ? await this.redis.hgetall(this.key) : {};
    const now = Date.now();
    const until = (field: string) => {
      const ms = Number(raw[field] ?? 0);
      return ms > now ? new Date(ms).toISOString() : null;
    };
    const delayAckUntil = until(FIELDS['delay-ack']);
    return {
      enabled: this.enabled,
      workerCrashedUntil: until(FIELDS['crash-worker']),
      networkFailureUntil: until(FIELDS['network-failure']),
      delayAckUntil,
      delayAckMs: delayAckUntil ? DELAY_ACK_MS : 0,
    };
  }

  /** Starts a timed fault (`crash-worker`, `network-failure`, `delay-ack`) or clears all (`reset`). */
  async apply(action: Exclude<FaultAction, 'flush-queue'>, durationMs?: number): Promise<FaultState> {
    if (action === 'reset') await this.redis.del(this.key);
    else
      await this.redis.hset(
        this.key,
        FIELDS[action],
        String(Date.now() + (durationMs ?? FAULT_DEFAULT_MS[action])),
      );
    return this.state();
  }
}
