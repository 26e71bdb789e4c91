import type { Models } from '../models/index';
import { hourOf } from '../models/rollup';
import { hourBuckets } from './hour-rollups';
import {
  bucketFilter,
  bucketMatches,
  byPageOrder,
  LIST_FIELDS,
  minuteFilter,
  PAGE_SORT,
  type LeanLog,
  type PageRequest,
  type SearchCursor,
  type SearchFilter,
  type SearchPage,
} from './log-search';
import { lookupWord } from './message-words';
import { rollupBuckets, type RollupBucket, type RollupReader } from './rollup-reader';

const HOUR = 3_600_000;

/** The count of an hour not read from the rollups yet. */
const UNCOUNTED = -1;

/** Buckets fetched at once while walking back. */
const BUCKETS_AT_ONCE = 8;

/** An hour holding at most this many candidate logs is read with one lookup on `hour` instead of minute by minute. */
export const WHOLE_HOUR_MAX = 500;

/**
 * Most candidate logs a text search without any word (only punctuation) reads for one page before it reports how far
 * back it got: such a search cannot use the `words` lookup, so FerretDB decodes every candidate.
 */
export const TEXT_SCAN_BUDGET = 2_000;

/** Candidates a search without any word reads in one round of parallel lookups. */
const TEXT_BATCH = 500;

/**
 * Most bucket lookups a text search with a word issues for one page before it reports how far back it got. Each
 * lookup returns only the logs holding the word, so this bounds the time of a search for a rare word.
 */
export const WORD_LOOKUP_BUDGET = 96;

/**
 * A text search reads whole hours (one lookup each, returning only the logs holding its word) once the matches seen
 * so far make at most this many per hour likely; denser matches are read minute by minute, so a page does not decode
 * a whole hour of matches to show fifty.
 */
const SPARSE_HOUR_MATCHES = 250;

/** How many more matches than the page still needs a text search's round aims for, as the density is an estimate. */
const TEXT_MARGIN = 1.5;

/** A lookup of the walk: one hour or one minute bucket, with the candidates the rollups count there. */
interface Slot {
  field: 'hour' | 'minute';
  start: number;
  count: number;
  /** Only logs before this time (epoch ms): the rest of an hour whose newest minutes were read one by one. */
  before?: number;
}

/**
 * One page of a search, newest first, by walking time buckets back: the rollups say which hours (then, in a busy
 * hour, which minutes) hold logs of the chosen services and levels, and how many. Only those buckets are read, newest
 * first, with equality lookups on the stored `hour` or `minute`, until the page is full (early termination). So a page
 * costs about `limit` logs plus the rollups of the hours it walks, whatever the size of the store.
 *
 * A text search adds one of its words as an equality on the stored `words` (see `bucketFilter`), so each lookup
 * returns only the logs holding that word. It cannot know from the rollups where its matches are: it reads the
 * newest minutes first, switches to whole hours when matches turn out sparse, and stops after
 * {@link WORD_LOOKUP_BUDGET} lookups, telling how far back it got. A request id or trace id is one direct lookup.
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
  const hasWord = request.q !== '' && lookupWord(request.q) !== null;
  const noWord = request.q !== '' && !hasWord;
  const upper = request.cursor
    ? new Date(Math.min(request.to.getTime(), request.cursor.ts.getTime() + 1))
    : request.to;
  // The hour `from` falls in is counted only if the walk gets there (most pages end long before): its counts would
  // cost a lookup of its per-minute rollups.
  const firstWhole = Math.min(Math.ceil(request.from.getTime() / HOUR) * HOUR, upper.getTime());
  const plan = lookupPlan(request);
  const counted = await hourBuckets(models, read, new Date(firstWhole), upper);
  const hours = countsBy(counted, request);
  const candidatesOf = new Map(countsBy(counted, plan.counted));
  const busiestHour = Math.max(0, ...hours.map(([, count]) => count));
  if (request.from.getTime() < firstWhole) hours.push([hourOf(request.from).getTime(), UNCOUNTED]);
  const queue: Slot[] = [];
  let nextHour = 0;
  let sparse = false;
  // Fills the queue with the next hour's lookup, or its minutes' lookups when the hour is busy.
  const refill = async () => {
    while (queue.length === 0 && nextHour < hours.length) {
      const [hour, known] = hours[nextHour++] as [number, number];
      const count =
        known === UNCOUNTED
          ? countsBy(
              await rollupBuckets(read, request.from, new Date(Math.min(hour + HOUR, upper.getTime()))),
              request,
            ).reduce((sum, [, n]) => sum + n, 0)
          : known;
      if (count === 0) continue;
      // An hour's lookup returns the whole hour (a time range is not pushed down on FerretDB): an hour only partly in
      // the range is read whole only when the whole of it is small.
      const partial = hour < request.from.getTime() || hour + HOUR > upper.getTime();
      // The candidates a lookup returns: the logs matching what FerretDB pushes down (see `lookupPlan`).
      const candidates =
        sparse || count > WHOLE_HOUR_MAX
          ? count
          : partial
            ? countsBy(await read(hour), plan.counted).reduce((sum, [, n]) => sum + n, 0)
            : (candidatesOf.get(hour) ?? count);
      if (candidates <= WHOLE_HOUR_MAX || sparse) {
        queue.push({ field: 'hour', start: hour, count });
        continue;
      }
      const from = new Date(Math.max(hour, request.from.getTime()));
      const to = new Date(Math.min(hour + HOUR, upper.getTime()));
      for (const [start, minuteCount] of countsBy(await rollupBuckets(read, from, to), request))
        queue.push({ field: 'minute', start, count: minuteCount });
    }
  };
  const found: LeanLog[] = [];
  let examined = 0;
  let lookups = 0;
  let matched = 0;
  for (;;) {
    // Take buckets until they can fill the page (exact for service/level; a text search cannot know).
    const batch: Slot[] = [];
    let expected = 0;
    // Matches per candidate seen so far: a text search takes only the buckets likely to fill its page.
    const density = examined > 0 ? matched / examined : null;
    while (batch.length < BUCKETS_AT_ONCE) {
      if (!request.q && expected >= want - found.length) break;
      if (noWord && expected >= TEXT_BATCH) break;
      if (hasWord && density && density * expected >= (want - found.length) * TEXT_MARGIN) break;
      await refill();
      const slot = queue.shift();
      if (!slot) break;
      batch.push(slot);
      expected += slot.count;
    }
    if (batch.length === 0) break;
    const pages = await Promise.all(
      batch.map((slot) => readSlot(models, request, plan.variants, slot, want)),
    );
    for (const docs of pages) {
      found.push(...docs);
      matched += docs.length;
    }
    examined += expected;
    lookups += batch.length;
    if (found.length >= want) break;
    const oldest = (batch[batch.length - 1] as Slot).start;
    const more = queue.length > 0 || nextHour < hours.length;
    if (more && ((noWord && examined >= TEXT_SCAN_BUDGET) || (hasWord && lookups >= WORD_LOOKUP_BUDGET))) {
      // Everything before the oldest bucket read is still unsearched.
      return done(found, request.limit, new Date(Math.max(oldest, request.from.getTime())), examined);
    }
    if (
      hasWord &&
      !sparse &&
      examined >= WHOLE_HOUR_MAX &&
      (matched / examined) * busiestHour <= SPARSE_HOUR_MATCHES
    ) {
      sparse = true;
      // The minutes of the current hour not read yet become one lookup of that hour, before the oldest minute read.
      const rest = queue.splice(0);
      if (rest.length > 0)
        queue.push({
          field: 'hour',
          start: hourOf(new Date(oldest)).getTime(),
          count: rest.reduce((sum, slot) => sum + slot.count, 0),
          before: oldest,
        });
    }
  }
  return done(found, request.limit, null, request.q ? examined : found.length);
}

/** The logs of one bucket that match the request, newest first, at most `want`: one lookup per variant. */
async function readSlot(
  models: Models,
  request: PageRequest,
  variants: SearchFilter[],
  slot: Slot,
  want: number,
): Promise<LeanLog[]> {
  const to = slot.before === undefined ? request.to : new Date(Math.min(request.to.getTime(), slot.before));
  const cursor = inBucket(request.cursor, slot) ? request.cursor : null;
  const pages = await Promise.all(
    variants.map((variant) =>
      models.Log.find(bucketFilter({ ...variant, to }, slot.field, new Date(slot.start), cursor), LIST_FIELDS)
        .sort(PAGE_SORT)
        .limit(want)
        .lean<LeanLog[]>(),
    ),
  );
  if (pages.length === 1) return pages[0] as LeanLog[];
  return pages.flat().sort(byPageOrder).slice(0, want);
}

/** Most lookups one bucket is split into, one per service × level pair. */
const MAX_VARIANTS = 8;

/**
 * How a bucket is read: FerretDB pushes a one-value `service`/`level` down to PostgreSQL but not an `$in`, so a
 * filter on several services or levels is read with one lookup per value pair (`variants`), each fully pushed down,
 * when there are at most {@link MAX_VARIANTS} pairs; else per value of the shorter list when both have several,
 * else with one lookup narrowed by bucket only.
 * `counted` is the filter whose rollup counts say how many logs a lookup returns (what is pushed down).
 */
export function lookupPlan(filter: SearchFilter): { variants: SearchFilter[]; counted: SearchFilter } {
  const { services, levels } = filter;
  const each = (values: string[]) => (values.length > 1 ? values.map((value) => [value]) : [values]);
  if (Math.max(services.length, 1) * Math.max(levels.length, 1) <= MAX_VARIANTS) {
    const variants = each(services).flatMap((s) =>
      each(levels).map((l) => ({ ...filter, services: s, levels: l })),
    );
    return { variants, counted: filter };
  }
  if (services.length > 1 && levels.length > 1) {
    // Split the shorter list only; the other stays an `$in` that FerretDB applies after reading.
    return services.length <= levels.length
      ? { variants: services.map((s) => ({ ...filter, services: [s] })), counted: { ...filter, levels: [] } }
      : { variants: levels.map((l) => ({ ...filter, levels: [l] })), counted: { ...filter, services: [] } };
  }
  // One long list: one lookup, narrowed by bucket only.
  return {
    variants: [filter],
    counted: services.length > 1 ? { ...filter, services: [] } : { ...filter, levels: [] },
  };
}

/** Whether the keyset cursor falls in the slot's bucket (only there does the page need the tie-break on `_id`). */
function inBucket(cursor: SearchCursor | null, slot: Slot): boolean {
  if (!cursor) return false;
  const size = slot.field === 'hour' ? HOUR : 60_000;
  return Math.floor(cursor.ts.getTime() / size) * size === slot.start;
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
