import type { Models } from '../models/index';
import type { LogDoc } from '../models/log';
import { hourOf } from '../models/rollup';
import { hourBuckets } from './hour-rollups';
import { lookupWord, textMatcher, wordBoundedPattern } from './message-words';
import { rollupBuckets, type RollupBucket, type RollupReader } from './rollup-reader';

/** What a log search can filter on (the dashboard's URL, validated). */
export interface SearchFilter {
  from: Date;
  to: Date;
  /** Empty: every service. */
  services: string[];
  /** Empty: every level. */
  levels: string[];
  /**
   * Text the message must contain, matched literally and case-insensitively on word boundaries (`timeout` finds
   * "timeout after 3 s", not "timeouts"); empty: none.
   */
  q: string;
  /** Exact request id; empty: none. */
  requestId: string;
  /** Exact OpenTelemetry trace id; empty: none. */
  traceId: string;
}

/** Keyset position: the last row shown (sort is ts desc, _id desc). */
export interface SearchCursor {
  ts: Date;
  id: string;
}

/** One page of a search. */
export interface PageRequest extends SearchFilter {
  limit: number;
  cursor: SearchCursor | null;
}

/** A stored log as a search returns it. */
export type LeanLog = LogDoc & { _id: string };

/** A page of results. */
export interface SearchPage {
  rows: LeanLog[];
  hasMore: boolean;
  /**
   * Set when a text search stopped at its scan budget before filling the page: minutes from `from` up to this time
   * (exclusive) were not searched yet.
   */
  searchedBackTo: Date | null;
  /** Logs the page's lookups read (a text search reads whole minutes). */
  examined: number;
}

/** Sort of result pages; `_id` breaks ties between logs of the same millisecond. */
export const PAGE_SORT = { ts: -1, _id: -1 } as const;

/** Ranges longer than this are counted per hour. */
export const LONG_RANGE_MS = 6 * 3_600_000;

/** Fields pages never show. */
export const LIST_FIELDS = { flushRef: 0, minute: 0, words: 0 } as const;

/** `value` as an equality (one value) or `$in` (several); undefined when no value restricts. */
function oneOrIn(values: string[]): unknown {
  if (values.length === 0) return undefined;
  return values.length === 1 ? values[0] : { $in: values };
}

/**
 * The filter of one minute bucket of a search: equality on the stored `minute` first (the `{minute, ts, _id}` index
 * on MongoDB; pushed down to PostgreSQL by FerretDB, with one-value `service`/`level`), then the rest, which only
 * narrows the logs of that minute. `cursor` adds the keyset condition (strictly after the last row shown).
 */
export function minuteFilter(
  filter: SearchFilter,
  minute: Date,
  cursor: SearchCursor | null = null,
): Record<string, unknown> {
  return bucketFilter(filter, 'minute', minute, cursor);
}

/** {@link minuteFilter} for an hour (`{hour, ts, _id}` index) or a minute bucket. */
export function bucketFilter(
  filter: SearchFilter,
  field: 'hour' | 'minute',
  start: Date,
  cursor: SearchCursor | null = null,
): Record<string, unknown> {
  const out: Record<string, unknown> = { [field]: start };
  const service = oneOrIn(filter.services);
  if (service !== undefined) out.service = service;
  const level = oneOrIn(filter.levels);
  if (level !== undefined) out.level = level;
  if (filter.requestId) out.requestId = filter.requestId;
  if (filter.traceId) out.traceId = filter.traceId;
  out.ts = { $gte: filter.from, $lt: filter.to };
  if (filter.q) {
    // One word of the text by equality (pushed down to PostgreSQL by FerretDB, multikey index on MongoDB) narrows the
    // bucket to the logs holding it; the regex then checks the whole text.
    const word = lookupWord(filter.q);
    if (word) {
      out.words = word;
      // On MongoDB a minute's lookup uses the `{words, hour, ts}` index too (one index fewer to maintain).
      if (field === 'minute') out.hour = hourOf(start);
    }
    out.message = { $regex: wordBoundedPattern(filter.q), $options: 'i' };
  }
  if (cursor) out.$or = [{ ts: { $lt: cursor.ts } }, { ts: cursor.ts, _id: { $lt: cursor.id } }];
  return out;
}

/** Whether a rollup bucket can hold logs of the filter (service and level; text and request are unknown there). */
export function bucketMatches(filter: SearchFilter, bucket: RollupBucket): boolean {
  return (
    (filter.services.length === 0 || filter.services.includes(bucket.service)) &&
    (filter.levels.length === 0 || filter.levels.includes(bucket.level))
  );
}

/** Newest first, `_id` descending on equal times. */
export function byPageOrder(a: LeanLog, b: LeanLog): number {
  const dt = new Date(b.ts).getTime() - new Date(a.ts).getTime();
  return dt !== 0 ? dt : a._id < b._id ? 1 : a._id > b._id ? -1 : 0;
}

/**
 * Logs carrying a request id: one equality lookup on `requestId` (its index on MongoDB, pushed down on
 * FerretDB/PostgreSQL), a handful of documents sorted in memory.
 */
export async function requestLogs(
  models: Models,
  requestId: string,
  limit = 200,
  order: 1 | -1 = 1,
): Promise<LeanLog[]> {
  return logsWith(models, { requestId }, limit, order);
}

/** Logs with one exact request id or trace id: one equality lookup, a handful of documents sorted in memory. */
function logsWith(
  models: Models,
  lookup: { requestId: string } | { traceId: string },
  limit: number,
  order: 1 | -1,
): Promise<LeanLog[]> {
  return models.Log.find(lookup, LIST_FIELDS).sort({ ts: order, _id: order }).limit(limit).lean<LeanLog[]>();
}

/** Volume of a search per time bucket and level. */
export interface SearchVolume {
  rows: { minute: Date; level: string; count: number }[];
  total: number;
  /** False when the text filter is not reflected (the rollups cannot know which messages match). */
  exact: boolean;
  /** The resolution of `rows`: a minute, or an hour for ranges over {@link LONG_RANGE_MS}. */
  bucketMs: number;
}

/**
 * The histogram and total of a search from the rollups, never by counting logs: per minute up to
 * {@link LONG_RANGE_MS} (one lookup per hour), per hour beyond (one lookup per day in `rollups_hour`). A request id
 * is counted from its own few logs; a text filter is not reflected (`exact: false`).
 */
export async function searchVolume(
  models: Models,
  read: RollupReader,
  filter: SearchFilter,
): Promise<SearchVolume> {
  if (filter.requestId || filter.traceId) {
    const matches = textMatcher(filter.q);
    const lookup = filter.requestId ? { requestId: filter.requestId } : { traceId: filter.traceId };
    const docs = (await logsWith(models, lookup, 1000, 1))
      .filter((doc) => !filter.traceId || !filter.requestId || doc.traceId === filter.traceId)
      .filter(
        (doc) =>
          doc.ts >= filter.from &&
          doc.ts < filter.to &&
          bucketMatches(filter, { ...doc, minute: doc.ts, count: 1 }) &&
          matches(doc.message),
      );
    const rows = docs.map((doc) => ({
      minute: new Date(Math.floor(new Date(doc.ts).getTime() / 60_000) * 60_000),
      level: doc.level,
      count: 1,
    }));
    return { rows, total: rows.length, exact: true, bucketMs: 60_000 };
  }
  const long = filter.to.getTime() - filter.from.getTime() > LONG_RANGE_MS;
  const buckets = long
    ? await hourBuckets(models, read, filter.from, filter.to)
    : await rollupBuckets(read, filter.from, filter.to);
  const rows = buckets.filter((bucket) => bucketMatches(filter, bucket));
  return {
    rows: rows.map(({ minute, level, count }) => ({ minute, level, count })),
    total: rows.reduce((sum, row) => sum + row.count, 0),
    exact: !filter.q,
    bucketMs: long ? 3_600_000 : 60_000,
  };
}
