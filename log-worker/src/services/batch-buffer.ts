/** Options of a {@link BatchBuffer}. */
export interface BatchBufferOptions<T> {
  /** Items per flush; a flush starts as soon as this many are waiting. */
  size: number;
  /** A partial batch is flushed after waiting this long. */
  flushMs: number;
  /** Flushes that may run at once. Each lane runs its flushes one after another. */
  lanes: number;
  /**
   * Writes one batch; the lane is free again once it resolves. It may resolve with a `settled` promise: the batch's
   * `add` calls then wait for that too (work that follows the write, off the lane). A rejection of either fails every
   * `add` call that has an item in the batch.
   */
  flush: (items: T[], lane: number) => Promise<FlushOutcome | void>;
}

/** What a flush may hand back: work its callers still wait for after the lane is free. */
export interface FlushOutcome {
  settled: Promise<void>;
}

interface Ticket {
  key: string | undefined;
  promise: Promise<void>;
  remaining: number;
  failed: boolean;
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface Entry<T> {
  item: T;
  ticket: Ticket;
}

/**
 * Collects items from many producers (queue jobs) and hands them to `flush` in batches of at most `size`, by size or
 * after `flushMs`, whichever comes first. `add` resolves only once every one of its items has been flushed, so a
 * caller (a job) completes only after its data is stored, and rejects if any batch holding one of its items failed.
 */
export class BatchBuffer<T> {
  private pending: Entry<T>[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly idleLanes: number[];
  private inFlight = new Set<Promise<void>>();
  private readonly ticketsByKey = new Map<string, Ticket>();
  private closed = false;

  constructor(private readonly options: BatchBufferOptions<T>) {
    if (options.size < 1 || options.lanes < 1) throw new Error('size and lanes must be at least 1');
    this.idleLanes = Array.from({ length: options.lanes }, (_, lane) => lane);
  }

  /** Items waiting for a flush. */
  get waiting(): number {
    return this.pending.length;
  }

  /**
   * Queues items; resolves when all are flushed. With a `key` (a queue job's id), adding the same key again while its
   * items are still buffered or being written returns the first call's promise instead of buffering them twice: a job
   * delivered again to this process (its lock lapsed during a slow write) costs no extra memory.
   */
  add(items: T[], key?: string): Promise<void> {
    if (this.closed) return Promise.reject(new Error('batch buffer is closed'));
    if (items.length === 0) return Promise.resolve();
    const held = key === undefined ? undefined : this.ticketsByKey.get(key);
    if (held) return held.promise;
    let resolve!: () => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<void>((onResolve, onReject) => {
      resolve = onResolve;
      reject = onReject;
    });
    const ticket: Ticket = { key, promise, remaining: items.length, failed: false, resolve, reject };
    if (key !== undefined) this.ticketsByKey.set(key, ticket);
    for (const item of items) this.pending.push({ item, ticket });
    this.pump(false);
    return promise;
  }

  /** Jobs (keys) whose items are held. */
  get heldKeys(): number {
    return this.ticketsByKey.size;
  }

  private settle(ticket: Ticket): void {
    if (ticket.key !== undefined && this.ticketsByKey.get(ticket.key) === ticket)
      this.ticketsByKey.delete(ticket.key);
  }

  /** Flushes everything waiting, then resolves when no flush is running. New `add` calls are refused. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.pending.length > 0 || this.inFlight.size > 0) {
      this.pump(true);
      if (this.inFlight.size > 0) await Promise.race(this.inFlight);
    }
    this.clearTimer();
  }

  /** Starts as many flushes as lanes allow: full batches always, a partial one when `force` (timer or close). */
  private pump(force: boolean): void {
    while (this.idleLanes.length > 0 && this.pending.length > 0) {
      if (this.pending.length < this.options.size && !force) break;
      const lane = this.idleLanes.shift() as number;
      this.start(this.pending.splice(0, this.options.size), lane);
    }
    if (this.pending.length > 0 && !this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.pump(true);
      }, this.options.flushMs);
    } else if (this.pending.length === 0) {
      this.clearTimer();
    }
  }

  private start(batch: Entry<T>[], lane: number): void {
    const written = this.options.flush(
      batch.map((entry) => entry.item),
      lane,
    );
    const settled = (async () => {
      try {
        const outcome = await written;
        if (outcome) await outcome.settled;
        for (const { ticket } of batch) {
          ticket.remaining -= 1;
          if (ticket.remaining === 0 && !ticket.failed) {
            this.settle(ticket);
            ticket.resolve();
          }
        }
      } catch (error) {
        for (const { ticket } of batch) {
          if (!ticket.failed) {
            ticket.failed = true;
            this.settle(ticket);
            ticket.reject(error);
          }
        }
      }
    })();
    this.inFlight.add(settled);
    void settled.finally(() => this.inFlight.delete(settled));
    void written
      .catch(() => undefined)
      .finally(() => {
        this.idleLanes.push(lane);
        // Whatever accumulated while this lane was busy: full batches go now, a remainder waits for the timer.
        this.pump(false);
      });
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
