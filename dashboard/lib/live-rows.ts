import type { LiveLog } from '@logstream/shared-types';

/**
 * The live tail's rows after a new arrival: newest first by the logs' own time (ties by id), each log once, at most
 * `max`. Logs arrive in batches from several workers and streams, so arrival order is not time order.
 */
export function mergeLiveRows(previous: LiveLog[], incoming: LiveLog[], max: number): LiveLog[] {
  const seen = new Set<string>();
  const rows: LiveLog[] = [];
  for (const row of [...incoming, ...previous]) {
    if (seen.has(row.id)) continue;
    seen.add(row.id);
    rows.push(row);
  }
  rows.sort((a, b) => (a.ts === b.ts ? (a.id < b.id ? 1 : a.id > b.id ? -1 : 0) : a.ts < b.ts ? 1 : -1));
  return rows.slice(0, max);
}
