import { LOG_LEVELS } from '@logstream/shared-types';
import { minuteOf } from '@logstream/storage';
import { models } from './db';

/** Count of one (minute, level) or (minute, service, level) bucket from `rollups_minute`. */
interface Bucket {
  minute: Date;
  service: string;
  level: string;
  count: number;
}

/** Stacked series: one count per level per bucket start. */
export interface LevelSeries {
  buckets: number[];
  byLevel: Record<string, number[]>;
  bucketMs: number;
}

/** Per-service figures over a window, from rollups only. */
export interface ServiceSummary {
  service: string;
  total: number;
  errors: number;
  perSec: number;
  errorRatio: number;
  lastMinute: Date | null;
  /** Counts per minute over the window (oldest first), for sparklines. */
  spark: number[];
}

/** Rollup buckets since `from` (inclusive): `$match` + `$group` with `$sum` only, so FerretDB runs it too. */
async function bucketsSince(from: Date, to: Date): Promise<Bucket[]> {
  const { Rollup } = await models();
  const rows = await Rollup.aggregate<{
    _id: { minute: Date; service: string; level: string };
    count: number;
  }>([
    { $match: { minute: { $gte: from, $lt: to } } },
    {
      $group: { _id: { minute: '$minute', service: '$service', level: '$level' }, count: { $sum: '$count' } },
    },
  ]);
  return rows.map((r) => ({ ...r._id, minute: new Date(r._id.minute), count: r.count }));
}

/** Spreads buckets over `count` slots of `bucketMs` ending at `end` (exclusive), summing by level. */
export function toLevelSeries(
  rows: { minute: Date; level: string; count: number }[],
  start: number,
  bucketMs: number,
  count: number,
): LevelSeries {
  const buckets = Array.from({ length: count }, (_, i) => start + i * bucketMs);
  const byLevel: Record<string, number[]> = Object.fromEntries(
    LOG_LEVELS.map((l) => [l, new Array<number>(count).fill(0)]),
  );
  for (const row of rows) {
    const slot = Math.floor((row.minute.getTime() - start) / bucketMs);
    const series = byLevel[row.level];
    if (series && slot >= 0 && slot < count) series[slot] = (series[slot] ?? 0) + row.count;
  }
  return { buckets, byLevel, bucketMs };
}

/** Everything the overview and services pages need, from one rollup read over the last `windowMinutes`. */
export async function rollupOverview(now: Date, windowMinutes = 60) {
  const end = minuteOf(now).getTime() + 60_000;
  const start = end - windowMinutes * 60_000;
  const rows = await bucketsSince(new Date(start), new Date(end));
  const series = toLevelSeries(rows, start, 60_000, windowMinutes);

  let total = 0;
  let errors = 0;
  const perService = new Map<string, ServiceSummary>();
  for (const row of rows) {
    total += row.count;
    const isError = row.level === 'error' || row.level === 'fatal';
    if (isError) errors += row.count;
    let s = perService.get(row.service);
    if (!s) {
      s = {
        service: row.service,
        total: 0,
        errors: 0,
        perSec: 0,
        errorRatio: 0,
        lastMinute: null,
        spark: new Array<number>(windowMinutes).fill(0),
      };
      perService.set(row.service, s);
    }
    s.total += row.count;
    if (isError) s.errors += row.count;
    if (!s.lastMinute || row.minute > s.lastMinute) s.lastMinute = row.minute;
    const slot = Math.floor((row.minute.getTime() - start) / 60_000);
    if (slot >= 0 && slot < windowMinutes) s.spark[slot] = (s.spark[slot] ?? 0) + row.count;
  }
  // Rate over the last five complete minutes: the current minute is still filling.
  const recentFrom = end - 6 * 60_000;
  const recentTo = end - 60_000;
  let recent = 0;
  for (const row of rows) {
    const t = row.minute.getTime();
    if (t >= recentFrom && t < recentTo) recent += row.count;
  }
  const services = [...perService.values()]
    .map((s) => ({
      ...s,
      perSec: s.total / (windowMinutes * 60),
      errorRatio: s.total ? s.errors / s.total : 0,
    }))
    .sort((a, b) => b.total - a.total);
  return {
    windowMinutes,
    series,
    total,
    errors,
    errorRatio: total ? errors / total : 0,
    perSec: recent / 300,
    services,
  };
}

/** Total logs counted by rollups over the last 24 h. */
export async function rollupTotal24h(now: Date): Promise<number> {
  const { Rollup } = await models();
  const rows = await Rollup.aggregate<{ _id: null; count: number }>([
    { $match: { minute: { $gte: new Date(now.getTime() - 24 * 3_600_000) } } },
    { $group: { _id: null, count: { $sum: '$count' } } },
  ]);
  return rows[0]?.count ?? 0;
}

/** Services that ever wrote a rollup, for the search form's service picker. */
export async function knownServices(): Promise<string[]> {
  const { Rollup } = await models();
  const services = (await Rollup.distinct('service')) as string[];
  return services.sort();
}
