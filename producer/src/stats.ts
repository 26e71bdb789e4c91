import type { AckEffects } from './ack-apply';

/** Counters a producer keeps; returned by `producer.stats()`. */
export interface ProducerStats {
  /** Distinct logs sent at least once (a chaos-dropped batch counts as sent). */
  sent: number;
  /** Distinct logs the API confirmed it received (in a receipt or by `ackTill`). */
  acknowledged: number;
  /** Logs forgotten because `persistedTill` covered them. */
  persisted: number;
  /** Logs held now (not yet covered by `persistedTill`). */
  buffered: number;
  /** Requests that failed and were retried. */
  retries: number;
  /** Logs sent again for any reason (missing, replay, timeout, server restart). */
  resent: number;
  /** Logs sent again because the API listed them in `replay`. */
  replayed: number;
  /** Logs the API refused (validation); they are dropped. */
  rejected: number;
  /** Duplicates the API reported (seqs it had already received). */
  duplicates: number;
  /** Test-only chaos actions taken: batches dropped, duplicated, reordered. */
  chaos: { dropped: number; duplicated: number; reordered: number };
  /** Next seq this producer will assign. */
  nextSeq: number;
  /** The producer session its seqs count in (none only for a spool written before sessions). */
  session: string | undefined;
  /** Latest `ackTill` seen. */
  ackTill: number;
  /** Latest `persistedTill` seen (never goes back). */
  persistedTill: number;
  /** Message of the last error, if any. */
  lastError: string | undefined;
}

/** Fresh counters. */
export function emptyStats(): ProducerStats {
  return {
    sent: 0,
    acknowledged: 0,
    persisted: 0,
    buffered: 0,
    retries: 0,
    resent: 0,
    replayed: 0,
    rejected: 0,
    duplicates: 0,
    chaos: { dropped: 0, duplicated: 0, reordered: 0 },
    nextSeq: 1,
    session: undefined,
    ackTill: 0,
    persistedTill: 0,
    lastError: undefined,
  };
}

/** Adds what applying an ACK state did to the counters; returns how many logs were queued for resend. */
export function countAckEffects(counters: ProducerStats, effects: AckEffects): number {
  const resent = effects.resentMissing + effects.resentReplay + effects.resentForgotten + effects.resentLost;
  counters.acknowledged += effects.acknowledged;
  counters.persisted += effects.persisted;
  counters.resent += resent;
  counters.replayed += effects.resentReplay;
  return resent;
}
