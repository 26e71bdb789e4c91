import type { Models } from '../models/index';
import type { LogDoc } from '../models/log';
import { hourBuckets } from './hour-rollups';
import { rollupBuckets, type RollupBucket, type RollupReader } from './rollup-reader';

/** What a log search can filter on (the dashboard's URL, validated). */
export interface SearchFilter {
  from: Date;
  to: Date;
  /** Empty: every service. */
  services: string[];
  /** Empty: every level. */
  levels: string[];
  /** Case-insensitive literal substring of the message; empty: none. */
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

/** Most logs a text search reads for one page before it reports how far back it got. */
export const TEXT_SCAN_BUDGET = 2_000;

/** Buckets fetched at once while walking back. */
const BUCKETS_AT_ONCE = 8;

/** An hour holding at most this many candidate logs is read with one lookup on `hour` instead of minute by minute. */
export const WHOLE_HOUR_MAX = 500;

/** Candidates a text search reads in one round of parallel lookups. */
const TEXT_BATCH = 500;

/** Ranges longer than this are counted per hour. */
export const LONG_RANGE_MS = 6 * 3_600_000;

/** Fields pages never show. */
const LIST_FIELDS = { flushRef: 0, minute: 0 } as const;

/** Escapes every regex metacharacter so user text is matched literally. */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

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
  if (filter.q) out.message = { $regex: escapeRegex(filter.q), $options: 'i' };
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
function byPageOrder(a: LeanLog, b: LeanLog): number {
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

/** A lookup of the walk: one hour or one minute bucket, with the candidates the rollups count there. */
interface Slot {
  field: 'hour' | 'minute';
  start: number;
  count: number;
}

/**
 * One page of a search, newest first, by walking time buckets back: the rollups say which hours (then, in a busy
 * hour, which minutes) hold logs of the chosen services and levels, and how many. Only those buckets are read, newest
 * first, with equality lookups on the stored `hour` or `minute`, until the page is full (early termination). So a page
 * costs about `limit` logs plus the rollups of the hours it walks, whatever the size of the store. A text search
 * cannot know from the rollups where its matches are: it reads its candidates bucket by bucket and stops after
 * {@link TEXT_SCAN_BUDGET} of them, telling how far back it got. A request id or trace id is one direct lookup.
 */
export async function searchPage(
  models: Models,
  read: RollupReader,
  request: PageRequest,
): Promise<SearchPage> {
  const want = request.limit + 1;
  if (request.requestId || request.traceId) {
    const { minute: _minute, ...filter } = minuteFilter(request, new Date(0), request.cursor);
    const docs = await models.Log.find(filter, LIST_FIELDS).sort(PAGE_SORT).limit(want).lean<LeanLog[]>();
    return done(docs, request.limit, null, docs.length);
  }
  const upper = request.cursor
    ? new Date(Math.min(request.to.getTime(), request.cursor.ts.getTime() + 1))
    : request.to;
  const cursorAt = {
    minute: request.cursor ? Math.floor(request.cursor.ts.getTime() / 60_000) * 60_000 : NaN,
    hour: request.cursor ? Math.floor(request.cursor.ts.getTime() / 3_600_000) * 3_600_000 : NaN,
  };
  const found: LeanLog[] = [];
  let examined = 0;
  const hours = countsBy(await hourBuckets(models, read, request.from, upper), request);
  for (const [hour, hourCount] of hours) {
    let slots: Slot[] = [{ field: 'hour', start: hour, count: hourCount }];
    if (hourCount > WHOLE_HOUR_MAX) {
      const from = new Date(Math.max(hour, request.from.getTime()));
      const to = new Date(Math.min(hour + 3_600_000, upper.getTime()));
      slots = countsBy(await rollupBuckets(read, from, to), request).map(([start, count]) => ({
        field: 'minute',
        start,
        count,
      }));
    }
    for (let i = 0; i < slots.length;) {
      // Take buckets until they can fill the page (exact for service/level; a text search reads whole buckets).
      const batch: Slot[] = [];
      let expected = 0;
      while (
        i < slots.length &&
        batch.length < BUCKETS_AT_ONCE &&
        (request.q ? expected < TEXT_BATCH : expected < want - found.length)
      ) {
        const slot = slots[i++] as Slot;
        batch.push(slot);
        expected += slot.count;
      }
      const pages = await Promise.all(
        batch.map((slot) =>
          models.Log.find(
            bucketFilter(
              request,
              slot.field,
              new Date(slot.start),
              slot.start === cursorAt[slot.field] ? request.cursor : null,
            ),
            LIST_FIELDS,
          )
            .sort(PAGE_SORT)
            .limit(want)
            .lean<LeanLog[]>(),
        ),
      );
      for (const docs of pages) found.push(...docs);
      if (request.q) examined += expected;
      if (found.length >= want) break;
      if (request.q && examined >= TEXT_SCAN_BUDGET) {
        // Everything before the oldest bucket read is still unsearched.
        const oldest = (batch[batch.length - 1] as Slot).start;
        return done(
          found,
          request.limit,
          oldest > request.from.getTime() ? new Date(oldest) : null,
          examined,
        );
      }
    }
    if (found.length >= want) break;
  }
  return done(found, request.limit, null, request.q ? examined : found.length);
}

function done(found: LeanLog[], limit: number, searchedBackTo: Date | null, examined: number): SearchPage {
  found.sort(byPageOrder);
  const hasMore = found.length > limit;
  // A full page answers the question; how far back the budget reached matters only for a page that is not full.
  return { rows: found.slice(0, limit), hasMore, searchedBackTo: hasMore ? null : searchedBackTo, examined };
}

/** Bucket starts (epoch ms) with the count of logs matching the filter per the rollups, newest first. */
function countsBy(buckets: RollupBucket[], filter: SearchFilter): [number, number][] {
  const counts = new Map<number, number>();
  for (const bucket of buckets) {
    if (!bucketMatches(filter, bucket)) continue;
    const start = bucket.minute.getTime();
    counts.set(start, (counts.get(start) ?? 0) + bucket.count);
  }
  return [...counts.entries()].sort((a, b) => b[0] - a[0]);
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
    const needle = filter.q.toLowerCase();
    const lookup = filter.requestId ? { requestId: filter.requestId } : { traceId: filter.traceId };
    const docs = (await logsWith(models, lookup, 1000, 1))
      .filter((doc) => !filter.traceId || !filter.requestId || doc.traceId === filter.traceId)
      .filter(
        (doc) =>
          doc.ts >= filter.from &&
          doc.ts < filter.to &&
          bucketMatches(filter, { ...doc, minute: doc.ts, count: 1 }) &&
          (!needle || doc.message.toLowerCase().includes(needle)),
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
