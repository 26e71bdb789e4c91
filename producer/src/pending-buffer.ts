import type { SeqRange } from '@logstream/shared-types';

/** Where a held log stands. `sent` means handed to the network (or dropped by chaos) without a receipt yet. */
export type EntryState = 'queued' | 'inflight' | 'sent' | 'received';

/** One log the producer still holds: from `log()` until `persistedTill` covers its seq. */
export interface PendingEntry {
  seq: number;
  /** The log serialized once, without its seq (see {@link itemJson}). */
  json: string;
  state: EntryState;
  /** When it was last handed to the network (0 = never). */
  lastSentAt: number;
  /** How many times it was sent. */
  sends: number;
  /** Whether the API ever confirmed it (stays true if the API later loses it and it is resent). */
  acked: boolean;
}

/** The request item for an entry: its JSON with `seq` first. */
export function itemJson(entry: Pick<PendingEntry, 'seq' | 'json'>): string {
  return entry.json === '{}' ? `{"seq":${entry.seq}}` : `{"seq":${entry.seq},${entry.json.slice(1)}`;
}

/**
 * How long after its last send an entry may be sent again: `baseMs` after the first send, doubling with each
 * further send, capped at `maxMs`. Keeps a slow server that keeps asking for the same range from being flooded.
 */
export function resendCooldown(entry: Pick<PendingEntry, 'sends'>, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(entry.sends - 1, 0), 20));
}

/** A `POST /ingest` body for one producer session's batch, built from the cached JSON of each log. */
export function requestBody(
  space: { service: string; instance?: string | undefined; session?: string | undefined },
  batch: readonly PendingEntry[],
): string {
  const instance = space.instance ? `,"instance":${JSON.stringify(space.instance)}` : '';
  const session = space.session ? `,"session":${JSON.stringify(space.session)}` : '';
  return `{"service":${JSON.stringify(space.service)}${instance}${session},"logs":[${batch.map(itemJson).join(',')}]}`;
}

/**
 * The producer's in-memory hold of unpersisted logs, keyed by seq, with a send queue kept in seq order.
 * Pure bookkeeping: no timers and no I/O, so every transition is unit-testable.
 */
export class PendingBuffer {
  private readonly entries = new Map<number, PendingEntry>();
  private queue: number[] = [];
  private queueSorted = true;
  private lowestHeld = Infinity;
  private highestAdded = 0;

  /** Logs held (any state). */
  get size(): number {
    return this.entries.size;
  }

  /** Logs waiting to be sent. */
  get queuedCount(): number {
    return this.queue.length;
  }

  /** The entry for `seq`, if still held. */
  get(seq: number): PendingEntry | undefined {
    return this.entries.get(seq);
  }

  /** Adds a new log (or a log restored from the spool) to the send queue. */
  add(seq: number, json: string): void {
    if (this.entries.has(seq)) throw new Error(`seq ${seq} is already held`);
    this.entries.set(seq, { seq, json, state: 'queued', lastSentAt: 0, sends: 0, acked: false });
    const last = this.queue[this.queue.length - 1];
    if (last !== undefined && seq < last) this.queueSorted = false;
    this.queue.push(seq);
    this.lowestHeld = Math.min(this.lowestHeld, seq);
    this.highestAdded = Math.max(this.highestAdded, seq);
  }

  /**
   * Takes the lowest queued logs for one request: at most `maxItems`, and at most `maxBytes` of serialized logs
   * (always at least one). They become `inflight`.
   */
  takeBatch(maxItems: number, maxBytes: number): PendingEntry[] {
    if (!this.queueSorted) {
      this.queue = [...new Set(this.queue)].sort((a, b) => a - b);
      this.queueSorted = true;
    }
    const batch: PendingEntry[] = [];
    let bytes = 0;
    let taken = 0;
    for (; taken < this.queue.length && batch.length < maxItems; taken++) {
      const entry = this.entries.get(this.queue[taken] as number);
      if (!entry || entry.state !== 'queued') continue;
      if (batch.length > 0 && bytes + entry.json.length + 1 > maxBytes) break;
      bytes += entry.json.length + 1;
      entry.state = 'inflight';
      batch.push(entry);
    }
    this.queue = this.queue.slice(taken);
    return batch;
  }

  /** The request carrying `batch` ended without a usable answer (or chaos dropped it): wait for a receipt or a timeout. */
  markSent(batch: readonly PendingEntry[], now: number): void {
    for (const entry of batch) {
      if (this.entries.get(entry.seq) !== entry) continue;
      entry.lastSentAt = now;
      entry.sends += 1;
      if (entry.state === 'inflight') entry.state = 'sent';
    }
  }

  /**
   * The API has `seq`. A queued entry is taken out of the send queue (it need not be sent again); an in-flight one
   * is left to its request's answer. Returns true the first time the API confirms this seq.
   */
  markReceived(seq: number): boolean {
    const entry = this.entries.get(seq);
    if (!entry || entry.state === 'received' || entry.state === 'inflight') return false;
    entry.state = 'received';
    const first = !entry.acked;
    entry.acked = true;
    return first;
  }

  /** Puts entries back in the send queue unless already queued or in flight. Returns how many were requeued. */
  requeue(seqs: Iterable<number>): number {
    let count = 0;
    for (const seq of seqs) {
      const entry = this.entries.get(seq);
      if (!entry || entry.state === 'queued' || entry.state === 'inflight') continue;
      entry.state = 'queued';
      this.queue.push(seq);
      this.queueSorted = false;
      count += 1;
    }
    return count;
  }

  /**
   * Requeues logs whose request got no answer for `sentTimeoutMs`, and received logs still unpersisted after
   * `receivedTimeoutMs` (the API may have lost them); both timeouts double with each send of the log, up to
   * `maxMs`. `receivedTimeoutMs` undefined: received logs are left to the server's replay requests.
   * Returns how many were requeued.
   */
  requeueStale(
    now: number,
    sentTimeoutMs: number,
    receivedTimeoutMs: number | undefined,
    maxMs = 60_000,
  ): number {
    const stale: number[] = [];
    for (const entry of this.entries.values()) {
      const age = now - entry.lastSentAt;
      if (entry.state === 'sent' && age >= resendCooldown(entry, sentTimeoutMs, maxMs)) stale.push(entry.seq);
      else if (
        entry.state === 'received' &&
        receivedTimeoutMs !== undefined &&
        age >= resendCooldown(entry, receivedTimeoutMs, maxMs)
      )
        stale.push(entry.seq);
    }
    return this.requeue(stale);
  }

  /** Requeues a batch whose request must be retried (its entries are in flight). */
  retry(batch: readonly PendingEntry[]): void {
    for (const entry of batch) {
      if (this.entries.get(entry.seq) !== entry) continue;
      entry.state = 'queued';
      this.queue.push(entry.seq);
    }
    this.queueSorted = false;
  }

  /** Forgets a log for good (persisted or refused by the API). */
  remove(seq: number): boolean {
    return this.entries.delete(seq);
  }

  /** Forgets every log whose seq lies in `ranges` (stored above a gap). Returns the removed count. */
  dropInRanges(ranges: readonly SeqRange[]): number {
    let dropped = 0;
    for (const entry of this.inRanges(ranges)) if (this.entries.delete(entry.seq)) dropped += 1;
    if (this.entries.size === 0) this.lowestHeld = Infinity;
    return dropped;
  }

  /** Forgets every log with seq ≤ `persistedTill`. Returns the removed seqs count. */
  dropThrough(persistedTill: number): number {
    let dropped = 0;
    for (let seq = this.lowestHeld; seq <= persistedTill && this.entries.size > 0; seq++) {
      if (this.entries.delete(seq)) dropped += 1;
    }
    this.lowestHeld = Math.max(this.lowestHeld, persistedTill + 1);
    if (this.entries.size === 0) this.lowestHeld = Infinity;
    return dropped;
  }

  /** Entries held whose seq lies in `ranges` (iterates the ranges, not the whole buffer). */
  inRanges(ranges: readonly SeqRange[]): PendingEntry[] {
    const found: PendingEntry[] = [];
    const highest = this.highestHeld();
    for (const [from, to] of ranges) {
      for (let seq = Math.max(from, this.lowestHeld); seq <= Math.min(to, highest); seq++) {
        const entry = this.entries.get(seq);
        if (entry) found.push(entry);
      }
    }
    return found;
  }

  /** Highest seq held, or 0. */
  highestHeld(): number {
    return this.entries.size > 0 ? this.highestAdded : 0;
  }

  /** Every held entry, lowest seq first. */
  all(): IterableIterator<PendingEntry> {
    return this.entries.values();
  }

  /** Whether every held log with seq ≤ `target` has been received by the API. */
  receivedThrough(target: number): boolean {
    // Map order is insertion order, and seqs are always inserted ascending.
    for (const entry of this.entries.values()) {
      if (entry.seq > target) break;
      if (entry.state !== 'received') return false;
    }
    return true;
  }

  /** Counts held logs per state. */
  counts(): Record<EntryState, number> {
    const counts: Record<EntryState, number> = { queued: 0, inflight: 0, sent: 0, received: 0 };
    for (const entry of this.entries.values()) counts[entry.state] += 1;
    return counts;
  }
}
