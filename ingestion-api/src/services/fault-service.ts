import type { FaultStore } from '@logstream/ack-store';
import type { IngestQueues } from '@logstream/runtime';
import type { ControlRequest, ControlResult, FaultState } from '@logstream/shared-types';
import { AppError } from '../errors';

/**
 * Fault injection for demos and drills. Timed faults live in the shared {@link FaultStore} (the worker polls it);
 * `flush-queue` drops waiting jobs, the loss the replay protocol must then heal.
 */
export class FaultService {
  private cached: { state: FaultState; at: number } | undefined;

  constructor(
    private readonly store: FaultStore,
    private readonly queues: IngestQueues,
    private readonly enabled: boolean,
  ) {}

  /** The faults in force; cached for 250 ms because the ingest path asks on every request. */
  async state(): Promise<FaultState> {
    if (this.cached && Date.now() - this.cached.at < 250) return this.cached.state;
    const state = await this.store.state();
    this.cached = { state, at: Date.now() };
    return state;
  }

  /** Applies a control action; 404 when faults are disabled. */
  async control({ action, durationMs }: ControlRequest): Promise<ControlResult> {
    if (!this.enabled)
      throw new AppError('faults_disabled', 'fault injection is disabled (ENABLE_FAULTS=false)');
    let dropped: number | undefined;
    if (action === 'flush-queue') {
      const waiting = await Promise.all(this.queues.all.map((queue) => queue.getWaitingCount()));
      dropped = waiting.reduce((sum, n) => sum + n, 0);
      await Promise.all(this.queues.all.map((queue) => queue.drain(true)));
    } else {
      await this.store.apply(action, durationMs);
    }
    this.cached = undefined;
    return { action, state: await this.state(), ...(dropped !== undefined && { dropped }) };
  }

  /** Refuses ingest with 503 during network-failure; returns the extra latency delay-ack asks for. */
  async beforeIngest(): Promise<number> {
    if (!this.enabled) return 0;
    const state = await this.state();
    if (state.networkFailureUntil) {
      const seconds = Math.max(1, Math.ceil((Date.parse(state.networkFailureUntil) - Date.now()) / 1000));
      throw new AppError('unavailable', `injected network failure; retry in ${seconds} s`, undefined, {
        headers: { 'Retry-After': String(seconds) },
      });
    }
    return state.delayAckMs;
  }
}
