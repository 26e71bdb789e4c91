import { LOG_LEVELS } from '@logstream/shared-types';
import { cache } from 'react';
import {
  hourBuckets,
  minuteOf,
  rollupBuckets,
  rollupReader,
  type RollupBucket,
  type RollupReader,
} from '@logstream/storage';
import { models } from './db';

/** Count of one (minute, service, level) bucket from `rollups_minute`. */
type Bucket = RollupBucket;

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

/** The rollup reader of the current server render: the widgets of one page share their hour lookups. */
export const requestRollups = cache(async (): Promise<RollupReader> => rollupReader(await models()));

/** Rollup buckets of the minutes overlapping `[from, to)`, one equality lookup per hour (see storage's search). */
async function bucketsSince(from: Date, to: Date): Promise<Bucket[]> {
  return rollupBuckets(await requestRollups(), from, to);
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
  return summarizeRollups(await bucketsSince(new Date(start), new Date(end)), end, windowMinutes);
}

/**
 * The overview of the `windowMinutes` minutes before `end` (epoch ms, the end of the current minute): totals, series,
 * per-service summaries, and rates over the last five complete minutes.
 */
export function summarizeRollups(rows: Bucket[], end: number, windowMinutes: number) {
  const start = end - windowMinutes * 60_000;
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
  // Rates over the last five complete minutes (the current minute is still filling), overall and per service: what
  // flows now, not an hour's average.
  const recentFrom = end - 6 * 60_000;
  const recentTo = end - 60_000;
  let recent = 0;
  const recentOf = new Map<string, number>();
  for (const row of rows) {
    const t = row.minute.getTime();
    if (t < recentFrom || t >= recentTo) continue;
    recent += row.count;
    recentOf.set(row.service, (recentOf.get(row.service) ?? 0) + row.count);
  }
  const services = [...perService.values()]
    .map((s) => ({
      ...s,
      perSec: (recentOf.get(s.service) ?? 0) / 300,
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

/** The last 24 h per (hour, service, level): hour rollups, one lookup per day (see storage's `hourBuckets`). */
const last24h = cache(async (nowMinute: number) =>
  hourBuckets(
    await models(),
    await requestRollups(),
    new Date(nowMinute - 24 * 3_600_000),
    new Date(nowMinute + 60_000),
  ),
);

/** Total logs counted by rollups over the last 24 h. */
export async function rollupTotal24h(now: Date): Promise<number> {
  const rows = await last24h(minuteOf(now).getTime());
  return rows.reduce((sum, row) => sum + row.count, 0);
}

/**
 * Services seen in the rollups of the last 24 h, for the search form's picker (a `distinct` over every rollup would
 * read the whole collection on FerretDB).
 */
export async function knownServices(now = new Date()): Promise<string[]> {
  const rows = await last24h(minuteOf(now).getTime());
  return [...new Set(rows.map((row) => row.service))].sort();
}
