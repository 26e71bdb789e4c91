import type { Models } from '../models/index';
import { hourOf } from '../models/rollup';
import { compactedReader } from './hour-rollups';

/** The count of one (minute, service, level) rollup bucket. */
export interface RollupBucket {
  minute: Date;
  service: string;
  level: string;
  count: number;
}

/** Reads the rollup buckets of one hour, given the hour's start in epoch ms. */
export type RollupReader = (hourMs: number) => Promise<RollupBucket[]>;

/** Hour lookups issued at once by {@link rollupBuckets}. */
const HOUR_READS_AT_ONCE = 8;

/**
 * A reader of rollups by hour that remembers what it read, so the histogram, the service picker and the page walk of
 * one request share their lookups. Each read is one equality lookup on the stored `hour`: the `{hour, minute}` index
 * on MongoDB, and a filter FerretDB pushes down to PostgreSQL. An hour holds at most 60 × services × levels buckets.
 */
export function minuteRollupReader(models: Models): RollupReader {
  const memo = new Map<number, Promise<RollupBucket[]>>();
  return (hourMs) => {
    let read = memo.get(hourMs);
    if (!read) {
      read = models.Rollup.find(
        { hour: new Date(hourMs) },
        { _id: 0, minute: 1, service: 1, level: 1, count: 1 },
      )
        .lean<RollupBucket[]>()
        .then((rows) => rows.map((row) => ({ ...row, minute: new Date(row.minute) })));
      // A failed read is not remembered: the next call tries again.
      read.catch(() => memo.delete(hourMs));
      memo.set(hourMs, read);
    }
    return read;
  };
}

/**
 * The reader searches use: compacted hours from `rollups_hour` (one `_id` lookup per hour), the minutes the compactor
 * has not reached yet and never-compacted hours from `rollups_minute`.
 */
export function rollupReader(models: Models): RollupReader {
  return compactedReader(models, minuteRollupReader(models));
}

/** Starts (epoch ms) of the hours overlapping `[from, to)`, newest first; none when the range is empty. */
export function hoursBetween(from: Date, to: Date): number[] {
  const first = hourOf(from).getTime();
  const hours: number[] = [];
  if (to.getTime() <= from.getTime()) return hours;
  for (let hour = hourOf(new Date(to.getTime() - 1)).getTime(); hour >= first; hour -= 3_600_000)
    hours.push(hour);
  return hours;
}

/** Non-empty rollup buckets of the minutes overlapping `[from, to)`: one lookup per hour, a few at a time. */
export async function rollupBuckets(read: RollupReader, from: Date, to: Date): Promise<RollupBucket[]> {
  const hours = hoursBetween(from, to);
  const out: RollupBucket[] = [];
  for (let i = 0; i < hours.length; i += HOUR_READS_AT_ONCE) {
    const chunk = await Promise.all(hours.slice(i, i + HOUR_READS_AT_ONCE).map((hour) => read(hour)));
    for (const rows of chunk)
      for (const row of rows)
        if (row.count > 0 && row.minute.getTime() + 60_000 > from.getTime() && row.minute < to) out.push(row);
  }
  return out;
}
