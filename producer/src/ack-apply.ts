import { resendCooldown, type PendingBuffer } from './pending-buffer';
import { clipBelow, parseSequenceSpace, type AckState, type IngestReceipt } from '@logstream/shared-types';

/** What applying one ACK state changed, for the producer's counters and events. */
export interface AckEffects {
  /** Logs newly known received. */
  acknowledged: number;
  /** Logs forgotten because persistedTill covered them. */
  persisted: number;
  /** Logs queued again because the API listed them as missing. */
  resentMissing: number;
  /** Logs queued again because the API asked for them in `replay`. */
  resentReplay: number;
  /** Logs queued again because the API no longer knows them (its state was lost). */
  resentForgotten: number;
  /** Logs queued again because the API had given them up as lost while this producer still held them. */
  resentLost: number;
}

/** Context of {@link applyAckState}. */
export interface AckContext {
  /** Highest persistedTill seen so far; logs at or below it are already gone. */
  persistedFloor: number;
  now: number;
  /**
   * A log sent more recently than this is not sent again on a `replay` request (the request may predate it, or the
   * server may still be storing it); doubles with each send of the log, up to `replayCooldownMaxMs`.
   */
  replayCooldownMs: number;
  replayCooldownMaxMs: number;
  /** Most logs this call may queue for a `replay` request (lowest seqs first); the producer's replay rate budget. */
  replayBudget: number;
  /** True when the state comes from `GET /ack` with nothing in flight, so it is not older than any receipt. */
  authoritative: boolean;
}

/**
 * Applies an ACK state to the held logs: forgets what is persisted, marks what is received, and queues for resend
 * what the API reports missing (only logs whose request never got an answer, unless the state is authoritative),
 * what it asks to replay, and — from an authoritative poll — received logs above its `highestSeq` or in `missing`
 * (it lost them, e.g. Redis was flushed).
 */
export function applyAckState(buffer: PendingBuffer, state: AckState, ctx: AckContext): AckEffects {
  const effects: AckEffects = {
    acknowledged: 0,
    persisted: 0,
    resentMissing: 0,
    resentReplay: 0,
    resentForgotten: 0,
    resentLost: 0,
  };
  if (state.persistedTill > ctx.persistedFloor) effects.persisted = buffer.dropThrough(state.persistedTill);
  const floor = Math.max(ctx.persistedFloor, state.persistedTill);
  // Stored above a gap: forgotten too, so a gap never makes the producer hold everything after it.
  effects.persisted += buffer.dropInRanges(clipBelow(state.persisted, floor));
  if (state.ackTill > floor) {
    for (const entry of buffer.inRanges([[floor + 1, state.ackTill]])) {
      if (buffer.markReceived(entry.seq)) effects.acknowledged += 1;
    }
  }
  // A receipt may predate a request still on its way, so only logs whose request got no answer are resent for it;
  // an authoritative poll saying `missing` about a received log means the server lost it (e.g. Redis was flushed).
  const missing = buffer
    .inRanges(clipBelow(state.missing, floor))
    .filter((entry) => entry.state === 'sent' || (ctx.authoritative && entry.state === 'received'));
  effects.resentMissing = buffer.requeue(missing.map((entry) => entry.seq));
  const replay = buffer
    .inRanges(clipBelow(state.replay, floor))
    .filter(
      (entry) =>
        entry.state !== 'queued' &&
        entry.state !== 'inflight' &&
        ctx.now - entry.lastSentAt >= resendCooldown(entry, ctx.replayCooldownMs, ctx.replayCooldownMaxMs),
    )
    .slice(0, Math.max(0, ctx.replayBudget));
  effects.resentReplay = buffer.requeue(replay.map((entry) => entry.seq));
  // Given up as lost by the server, yet still held here (the replay request expired before this producer could
  // answer it, e.g. it was offline): sent again, and the server takes them.
  const lost = buffer
    .inRanges(clipBelow(state.lost, floor))
    .filter(
      (entry) =>
        entry.state !== 'queued' &&
        entry.state !== 'inflight' &&
        ctx.now - entry.lastSentAt >= resendCooldown(entry, ctx.replayCooldownMs, ctx.replayCooldownMaxMs),
    )
    .slice(0, Math.max(0, ctx.replayBudget - effects.resentReplay));
  effects.resentLost = buffer.requeue(lost.map((entry) => entry.seq));
  if (ctx.authoritative) {
    const forgotten: number[] = [];
    for (const entry of buffer.all()) {
      if (entry.seq > state.highestSeq && entry.state === 'received') forgotten.push(entry.seq);
    }
    effects.resentForgotten = buffer.requeue(forgotten);
  }
  return effects;
}

/**
 * The ACK state of a sequence space (`stream` or `stream#session`) carried by a receipt: its entry in `streams`, else the top-level fields (a request with
 * one numbered stream). Undefined when the API sent none (a server without the ACK protocol).
 */
export function ackStateOfReceipt(receipt: IngestReceipt, space: string): AckState | undefined {
  const own = receipt.streams?.[space];
  if (own) return own;
  if (receipt.ackTill === undefined) return undefined;
  return {
    ...parseSequenceSpace(space),
    ackTill: receipt.ackTill,
    persistedTill: receipt.persistedTill ?? 0,
    missing: receipt.missing ?? [],
    persisted: [],
    replay: receipt.replay ?? [],
    lost: [],
    // Not carried at top level; ackTill is a safe lower bound (only authoritative polls use highestSeq).
    highestSeq: receipt.ackTill,
    status: receipt.status ?? 'ok',
  };
}
