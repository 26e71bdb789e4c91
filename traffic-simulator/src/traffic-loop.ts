import type { Producer } from '@logstream/producer';
import type { Scenario } from './scenario';

/** How the loop paces itself. */
export interface PacingOptions {
  /** Logs per second over all services. */
  rate: number;
  /** Rate multiplier during bursts (1 s out of every 5 s); 1 disables bursts. */
  burst: number;
  /** Stop after this many logs (count mode). */
  count?: number | undefined;
  /** Stop after this many seconds (duration mode). */
  durationSec?: number | undefined;
  /** Checked between ticks; true stops the loop early (Ctrl-C). */
  stopped: () => boolean;
}

/** Whether second `t` of the run is a burst second. */
export function inBurst(elapsedSec: number, burst: number): boolean {
  return burst > 1 && Math.floor(elapsedSec) % 5 === 4;
}

/**
 * Plays the scenario through one producer per service at the configured rate, awaiting each `log()` so the
 * producers' backpressure slows the loop when they hold too much. Resolves with the number of logs emitted.
 */
export async function runTraffic(
  scenario: Scenario,
  producers: ReadonlyMap<string, Producer>,
  pacing: PacingOptions,
): Promise<number> {
  const start = Date.now();
  let last = start;
  let credit = 0;
  let emitted = 0;
  const done = () =>
    pacing.stopped() ||
    (pacing.count !== undefined && emitted >= pacing.count) ||
    (pacing.durationSec !== undefined && Date.now() - start >= pacing.durationSec * 1000);
  while (!done()) {
    const now = Date.now();
    const rate = pacing.rate * (inBurst((now - start) / 1000, pacing.burst) ? pacing.burst : 1);
    credit = Math.min(credit + (rate * (now - last)) / 1000, rate);
    last = now;
    let due = Math.floor(credit);
    if (pacing.count !== undefined) due = Math.min(due, pacing.count - emitted);
    for (let i = 0; i < due; i++) {
      const log = scenario.next();
      const producer = producers.get(log.service);
      if (!producer) throw new Error(`no producer for service ${log.service}`);
      await producer.log(log.level, log.message, { requestId: log.requestId, meta: log.meta });
      emitted += 1;
    }
    credit -= due;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return emitted;
}
