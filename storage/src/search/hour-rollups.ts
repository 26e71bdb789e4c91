import { bulkWriteInChunks } from '../bulk-write';
import type { Models } from '../models/index';
import { hourOf } from '../models/rollup';
import { dayOf, hourRollupId } from '../models/rollup-hour';
import { hoursBetween, type RollupBucket, type RollupReader } from './rollup-reader';

const HOUR = 3_600_000;
const MINUTE = 60_000;

type Counts = Record<string, number>;

/** `service|level` → the pair (service names are slugs, levels are words: neither holds `|`). */
function splitKey(key: string): [string, string] {
  const bar = key.indexOf('|');
  return [key.slice(0, bar), key.slice(bar + 1)];
}

/** The filter that matches a rollup-hour document only while its `version` is still `seen`. */
function versionIs(seen: number | undefined): Record<string, unknown> {
  return seen === undefined ? { version: { $exists: false } } : { version: seen };
}

/**
 * Sums the minute rollups of one hour into its two `rollups_hour` documents (exact counts with `$set`, so running it
 * twice, or on two workers at once, gives the same documents). One equality lookup on `hour`: at most 60 × services ×
 * levels documents read, two written. Minutes before `now`'s minute are included (all of them once the hour is over).
 * A document a worker marked late while the sums were taken (its `version` moved on) is left as it is, still stale:
 * the next pass sums it again. Returns the hour's total.
 */
export async function compactHour(models: Models, hourMs: number, now = new Date()): Promise<number> {
  const hour = new Date(hourMs);
  const kinds = ['totals', 'minutes'] as const;
  // Read before the sums: a late mark after this read changes the version, and the write below then skips that doc.
  const before = await Promise.all(
    kinds.map((kind) =>
      models.RollupHour.findById(hourRollupId(hour, kind), { version: 1 }).lean<{ version?: number }>(),
    ),
  );
  const upTo = new Date(Math.min(hourMs + HOUR, Math.floor(now.getTime() / MINUTE) * MINUTE));
  const rows = await models.Rollup.find({ hour }, { _id: 0, minute: 1, service: 1, level: 1, count: 1 }).lean<
    { minute: Date; service: string; level: string; count: number }[]
  >();
  const counts: Counts = {};
  const minutes: Record<string, Counts> = {};
  let total = 0;
  for (const row of rows) {
    const minute = new Date(row.minute);
    if (minute >= upTo || row.count <= 0) continue;
    const key = `${row.service}|${row.level}`;
    const mm = String(minute.getUTCMinutes()).padStart(2, '0');
    counts[key] = (counts[key] ?? 0) + row.count;
    const perMinute = (minutes[mm] ??= {});
    perMinute[key] = (perMinute[key] ?? 0) + row.count;
    total += row.count;
  }
  const common = { hour, day: dayOf(hour), upTo, total, compactedAt: now, stale: false };
  const operations = kinds.map((kind, index) => {
    const seen = before[index];
    const _id = hourRollupId(hour, kind);
    return {
      updateOne: {
        filter: seen ? { _id, ...versionIs(seen.version) } : { _id },
        update: { $set: { ...common, kind, ...(kind === 'totals' ? { counts } : { minutes }) } },
        upsert: !seen,
      },
    };
  });
  try {
    await models.RollupHour.bulkWrite(operations as never, { ordered: false });
  } catch (error) {
    // Another compactor created the document between the read and the write: its sums are as exact as these.
    if ((error as { code?: number }).code !== 11000) throw error;
  }
  return total;
}

/** A worker's clock may be behind the compactor's by this much: minutes ending within it count as compacted. */
const CLOCK_SKEW_MS = 10_000;

/**
 * After minute increments were applied: every hour holding a minute the compactor may already have summed gets its
 * two `rollups_hour` documents marked late (`upTo` lowered to the earliest such minute, `version` bumped, `stale`
 * set), so searches and histograms read those minutes from `rollups_minute` until the hour is compacted again. An
 * hour without documents (never compacted: an import of old logs) gets stale placeholders with `upTo` at the hour's
 * start, so that every past hour holding logs has documents and a whole hour without any holds none (see
 * {@link hourBuckets}). Returns the hours marked.
 */
export async function markLateMinutes(models: Models, minutes: Date[], now = new Date()): Promise<number> {
  const compactedBefore = Math.floor((now.getTime() + CLOCK_SKEW_MS) / MINUTE) * MINUTE;
  const earliest = new Map<number, number>();
  for (const minute of minutes) {
    const at = minute.getTime();
    if (at >= compactedBefore) continue;
    const hour = Math.floor(at / HOUR) * HOUR;
    earliest.set(hour, Math.min(at, earliest.get(hour) ?? at));
  }
  if (earliest.size === 0) return 0;
  const operations = [...earliest].flatMap(([hour, minute]) =>
    (['totals', 'minutes'] as const).flatMap((kind) => {
      const _id = hourRollupId(new Date(hour), kind);
      const placeholder = {
        kind,
        hour: new Date(hour),
        day: dayOf(new Date(hour)),
        upTo: new Date(hour),
        total: 0,
        compactedAt: new Date(0),
        ...(kind === 'totals' ? { counts: {} } : { minutes: {} }),
      };
      return [
        { updateOne: { filter: { _id }, update: { $setOnInsert: placeholder }, upsert: true } },
        {
          updateOne: {
            filter: { _id },
            update: { $min: { upTo: new Date(minute) }, $inc: { version: 1 }, $set: { stale: true } },
          },
        },
      ];
    }),
  );
  for (let attempt = 1; ; attempt++) {
    try {
      // In order: the placeholder exists before the mark; a placeholder another worker inserted first makes the
      // upsert fail with a duplicate key, and the next attempt finds it.
      await bulkWriteInChunks(models.RollupHour as never, operations, { ordered: true });
      return earliest.size;
    } catch (error) {
      if ((error as { code?: number }).code !== 11000 || attempt >= 3) throw error;
    }
  }
}

/** Minutes after a compaction read one by one; beyond this the hour's minute rollups are read at once. */
const TAIL_MINUTES_MAX = 3;

/**
 * A {@link RollupReader} over the compacted hours: an hour's minute counts come from its `minutes` document (one
 * `_id` lookup, the one lookup every backend serves from an index), plus the minutes after its `upTo` read from
 * `rollups_minute` one minute at a time (a few, as the compactor keeps up). An hour never compacted falls back to
 * `fallback` (the minute rollups of the whole hour).
 */
export function compactedReader(
  models: Models,
  fallback: RollupReader,
  now = () => new Date(),
): RollupReader {
  const memo = new Map<number, Promise<RollupBucket[]>>();
  const readHour = async (hourMs: number): Promise<RollupBucket[]> => {
    const doc = await models.RollupHour.findById(hourRollupId(new Date(hourMs), 'minutes'), {
      upTo: 1,
      minutes: 1,
    }).lean<{ upTo: Date; minutes: Record<string, Counts> }>();
    if (!doc) return fallback(hourMs);
    const out: RollupBucket[] = [];
    const compactedTo = new Date(doc.upTo).getTime();
    for (const [mm, counts] of Object.entries(doc.minutes ?? {})) {
      // Minutes from `upTo` on (lowered by a late mark) are read from `rollups_minute` below.
      if (hourMs + Number(mm) * MINUTE >= compactedTo) continue;
      for (const [key, count] of Object.entries(counts)) {
        const [service, level] = splitKey(key);
        out.push({ minute: new Date(hourMs + Number(mm) * MINUTE), service, level, count });
      }
    }
    const end = Math.min(hourMs + HOUR, Math.floor(now().getTime() / MINUTE) * MINUTE + MINUTE);
    const rest: number[] = [];
    for (let m = compactedTo; m < end; m += MINUTE) rest.push(m);
    if (rest.length > TAIL_MINUTES_MAX) {
      // The compactor is behind (or stopped, or the hour was marked late): one lookup of the whole hour beats many
      // of single minutes.
      for (const row of await fallback(hourMs)) if (row.minute.getTime() >= compactedTo) out.push(row);
      return out;
    }
    const tails = await Promise.all(
      rest.map((m) =>
        models.Rollup.find(
          { minute: new Date(m) },
          { _id: 0, minute: 1, service: 1, level: 1, count: 1 },
        ).lean<RollupBucket[]>(),
      ),
    );
    for (const rows of tails) for (const row of rows) out.push({ ...row, minute: new Date(row.minute) });
    return out;
  };
  const reader: RollupReader = (hourMs) => {
    let read = memo.get(hourMs);
    if (!read) {
      read = readHour(hourMs);
      read.catch(() => memo.delete(hourMs));
      memo.set(hourMs, read);
    }
    return read;
  };
  return reader;
}

/** Days read at once by {@link hourBuckets}. */
const DAYS_AT_ONCE = 4;

/**
 * How long after its end a whole hour without `rollups_hour` documents still counts as not passed by the compactor
 * (the hour just over, or the current one when a range ends in the future), and is read minute by minute instead of
 * as empty.
 */
const COMPACTOR_GRACE_MS = HOUR;

/**
 * Counts per (hour, service, level) for the hours overlapping `[from, to)`, as buckets whose `minute` is the hour's
 * start. Whole hours compacted to their end come from their `totals` documents (one lookup per day); the others (the
 * current hour, an hour not compacted to its end yet, and the partial hours at both ends of the range) are summed
 * from `read`, counting only the minutes inside the range.
 */
export async function hourBuckets(
  models: Models,
  read: RollupReader,
  from: Date,
  to: Date,
  now = new Date(),
): Promise<RollupBucket[]> {
  const hours = hoursBetween(from, to);
  const whole = new Set(hours.filter((h) => h >= from.getTime() && h + HOUR <= to.getTime()));
  const days = [...new Set([...whole].map((h) => dayOf(new Date(h)).getTime()))];
  const out: RollupBucket[] = [];
  const done = new Set<number>();
  const seen = new Set<number>();
  for (let i = 0; i < days.length; i += DAYS_AT_ONCE) {
    const chunk = await Promise.all(
      days
        .slice(i, i + DAYS_AT_ONCE)
        .map((day) =>
          models.RollupHour.find(
            { day: new Date(day), kind: 'totals' },
            { _id: 0, hour: 1, upTo: 1, counts: 1 },
          ).lean<{ hour: Date; upTo: Date; counts: Counts }[]>(),
        ),
    );
    for (const rows of chunk)
      for (const row of rows) {
        const hour = new Date(row.hour).getTime();
        seen.add(hour);
        if (!whole.has(hour) || new Date(row.upTo).getTime() < hour + HOUR) continue;
        done.add(hour);
        for (const [key, count] of Object.entries(row.counts ?? {})) {
          const [service, level] = splitKey(key);
          if (count > 0) out.push({ minute: new Date(hour), service, level, count });
        }
      }
  }
  // A whole hour without documents holds no logs: the compactor writes documents for every hour it sums (empty ones
  // included, and on its first pass every hour of the store that has none), and a write into a past hour without
  // them adds stale placeholders (see `markLateMinutes`). So only partial and stale hours are read minute by minute,
  // and hours that ended too recently for the compactor to have passed them (or have not ended).
  const passed = (hour: number) => hour + HOUR + COMPACTOR_GRACE_MS <= now.getTime();
  const missing = hours.filter((h) => !done.has(h) && !(whole.has(h) && !seen.has(h) && passed(h)));
  for (let i = 0; i < missing.length; i += 8) {
    const chunk = missing.slice(i, i + 8);
    const perHour = await Promise.all(chunk.map((h) => read(h)));
    chunk.forEach((hour, index) => {
      const sums = new Map<string, RollupBucket>();
      for (const row of perHour[index] ?? []) {
        if (row.count <= 0 || row.minute.getTime() + MINUTE <= from.getTime() || row.minute >= to) continue;
        const key = `${row.service}|${row.level}`;
        const sum = sums.get(key) ?? {
          minute: new Date(hour),
          service: row.service,
          level: row.level,
          count: 0,
        };
        sum.count += row.count;
        sums.set(key, sum);
      }
      out.push(...sums.values());
    });
  }
  return out;
}

/** The hour of the oldest minute rollup: where the store's data begins. A scan on FerretDB: call rarely. */
export async function oldestRollupHour(models: Models): Promise<Date | undefined> {
  const oldest = await models.Rollup.findOne({}, { minute: 1 }).sort({ minute: 1 }).lean<{ minute: Date }>();
  return oldest ? hourOf(new Date(oldest.minute)) : undefined;
}
