import type { RedisClient } from '@logstream/runtime';
import { MetricsSnapshot } from '@logstream/shared-types';

/** Redis list of the latest metrics snapshots, newest first. */
export function metricsHistoryKey(prefix: string): string {
  return `${prefix}:metrics:history`;
}

/**
 * The last `keep` metrics snapshots, kept in Redis by whichever API instance announces them (the announcer's leader),
 * so the Queue page's charts start with the minutes before it was opened, on any instance and across API restarts.
 * One `LPUSH` + `LTRIM` per snapshot: the list never holds more than `keep` entries.
 */
export class MetricsHistory {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly keep: number,
  ) {}

  /** Adds a snapshot and drops the oldest beyond `keep`. */
  async record(snapshot: MetricsSnapshot): Promise<void> {
    const key = metricsHistoryKey(this.prefix);
    await this.redis
      .multi()
      .lpush(key, JSON.stringify(snapshot))
      .ltrim(key, 0, this.keep - 1)
      .exec();
  }

  /** The kept snapshots, oldest first; entries that no longer parse (another version's shape) are skipped. */
  async recent(): Promise<MetricsSnapshot[]> {
    const raw = await this.redis.lrange(metricsHistoryKey(this.prefix), 0, this.keep - 1);
    const snapshots: MetricsSnapshot[] = [];
    for (const entry of raw.reverse()) {
      try {
        const parsed = MetricsSnapshot.safeParse(JSON.parse(entry));
        if (parsed.success) snapshots.push(parsed.data);
      } catch {
        // not JSON: skipped like any other unreadable entry
      }
    }
    return snapshots;
  }
}
