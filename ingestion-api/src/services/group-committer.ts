/** Options of a {@link GroupCommitter}. */
export interface GroupCommitterOptions<T, R> {
  /**
   * Commits a group; answers one outcome per entry, in order. A rejection fails every entry of the group with that
   * error.
   */
  commit: (entries: T[]) => Promise<Settled<R>[]>;
  /** Most weight (e.g. logs) one group holds; an entry heavier than this goes alone. */
  maxWeight: number;
  /** Most entries one group holds. */
  maxEntries: number;
  /** Groups that may be committing at once. While all are busy, new entries wait and form the next group. */
  maxInFlight: number;
}

/** One entry's outcome: its value, or the error it alone gets. */
export type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown };

interface Waiting<T, R> {
  entry: T;
  weight: number;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: entries submitted while earlier groups are being committed are gathered and committed together, so
 * many small requests share one round trip. The window adapts to the load by itself: with a group slot free, an
 * entry is committed at the end of the current event-loop turn (so a lone request waits for nothing, and requests
 * parsed in the same turn travel together); while every slot is busy, the next group grows until one frees up or
 * the group is full.
 */
export class GroupCommitter<T, R> {
  private waiting: Waiting<T, R>[] = [];
  private inFlight = 0;
  private scheduled = false;
  /** Groups committed and entries in them since start (for metrics and tests). */
  readonly stats = { groups: 0, entries: 0, largestGroup: 0 };

  constructor(private readonly options: GroupCommitterOptions<T, R>) {
    if (options.maxInFlight < 1 || options.maxEntries < 1)
      throw new Error('maxInFlight and maxEntries must be at least 1');
  }

  /** Queues an entry; resolves with its own outcome once its group is committed. */
  submit(entry: T, weight = 1): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ entry, weight, resolve, reject });
      this.schedule();
    });
  }

  /** Entries waiting for a group slot. */
  get queued(): number {
    return this.waiting.length;
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.options.maxInFlight) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.waiting.length > 0) {
      this.run(this.takeGroup());
    }
  }

  private takeGroup(): Waiting<T, R>[] {
    let weight = 0;
    let count = 0;
    for (const waiting of this.waiting) {
      if (count > 0 && (weight + waiting.weight > this.options.maxWeight || count >= this.options.maxEntries))
        break;
      weight += waiting.weight;
      count += 1;
    }
    return this.waiting.splice(0, count);
  }

  private run(group: Waiting<T, R>[]): void {
    this.inFlight += 1;
    this.stats.groups += 1;
    this.stats.entries += group.length;
    this.stats.largestGroup = Math.max(this.stats.largestGroup, group.length);
    void (async () => {
      try {
        const outcomes = await this.options.commit(group.map((waiting) => waiting.entry));
        group.forEach((waiting, index) => {
          const outcome = outcomes[index];
          if (!outcome) waiting.reject(new Error('group commit returned no outcome for an entry'));
          else if (outcome.ok) waiting.resolve(outcome.value);
          else waiting.reject(outcome.error);
        });
      } catch (error) {
        for (const waiting of group) waiting.reject(error);
      } finally {
        this.inFlight -= 1;
        // What gathered while this group was committing goes now, as one group.
        if (this.waiting.length > 0) this.pump();
      }
    })();
  }
}
