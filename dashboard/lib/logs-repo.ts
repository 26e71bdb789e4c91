import { cache } from 'react';
import { deriveLogId } from '@logstream/shared-types';
import { decodeMetaKeys, requestLogs, searchPage, searchVolume, type LogDoc } from '@logstream/storage';
import { models } from './db';
import type { LogSearch } from './log-query';
import { requestRollups } from './rollups';

/** A stored log as pages show it (plain JSON-safe object, meta keys decoded). */
export interface LogRow {
  id: string;
  service: string;
  instance?: string;
  stream: string;
  /** The producer session the seq counts in. */
  session?: string;
  seq?: number;
  level: string;
  message: string;
  ts: string;
  requestId?: string;
  traceId?: string;
  spanId?: string;
  meta?: Record<string, unknown>;
  receivedAt?: string;
  storedAt?: string;
  batchId?: string;
}

type LeanLog = LogDoc & { _id: string };

/** Converts a lean document to a {@link LogRow}. */
export function toRow(doc: LeanLog): LogRow {
  const iso = (d: Date | undefined | null) => (d ? new Date(d).toISOString() : undefined);
  return {
    id: doc._id,
    service: doc.service,
    instance: doc.instance ?? undefined,
    stream: doc.stream,
    session: doc.session ?? undefined,
    seq: doc.seq ?? undefined,
    level: doc.level,
    message: doc.message,
    ts: new Date(doc.ts).toISOString(),
    requestId: doc.requestId ?? undefined,
    traceId: doc.traceId ?? undefined,
    spanId: doc.spanId ?? undefined,
    meta: doc.meta ? decodeMetaKeys(doc.meta as Record<string, unknown>) : undefined,
    receivedAt: iso(doc.receivedAt),
    storedAt: iso(doc.storedAt),
    batchId: doc.batchId,
  };
}

const LIST_FIELDS = { flushRef: 0, minute: 0 } as const;

/**
 * One result page (keyset on ts desc, _id desc), walking time buckets (storage's `searchPage`). Memoised per request
 * and search object, so the page can start it before it renders the widget that shows it.
 */
export const searchLogs = cache(
  async (search: LogSearch): Promise<{ rows: LogRow[]; hasMore: boolean; searchedBackTo: Date | null }> => {
    const page = await searchPage(await models(), await requestRollups(), search);
    return { rows: page.rows.map(toRow), hasMore: page.hasMore, searchedBackTo: page.searchedBackTo };
  },
);

/**
 * Volume of the search per display bucket and level, from the rollups (storage's `searchVolume`). Memoised like
 * {@link searchLogs}.
 */
export const searchHistogram = cache(async (search: LogSearch) => {
  const volume = await searchVolume(await models(), await requestRollups(), search);
  const span = search.to.getTime() - search.from.getTime();
  // About 90 bars whatever the range, in whole stored buckets (minutes, or hours for long ranges).
  const unit = volume.bucketMs;
  const bucketMs = Math.max(unit, Math.ceil(span / 90 / unit) * unit);
  const start = Math.floor(search.from.getTime() / unit) * unit;
  const count = Math.max(1, Math.ceil((search.to.getTime() - start) / bucketMs));
  return { flat: volume.rows, start, bucketMs, count, total: volume.total, exact: volume.exact };
});

/** One log by id, or null. */
export async function findLog(id: string): Promise<LogRow | null> {
  const { Log } = await models();
  const doc = await Log.findById(id, LIST_FIELDS).lean<LeanLog>();
  return doc ? toRow(doc) : null;
}

/** A slot of the surrounding-logs list: a stored log, or a seq nobody stored. */
export type Neighbour = { seq: number; log: LogRow | null };

/**
 * Logs of the same stream and producer session with seq within ±`radius`, every missing seq marked. Numbered logs
 * have the derived id `stream#session@seq`, so this is a handful of `_id` point lookups: the `_id` index on MongoDB, and the one filter FerretDB
 * pushes down (a `{stream, seq}` range or an `_id: {$in}` is a full collection scan there).
 */
export async function streamNeighbours(log: LogRow, radius = 5): Promise<Neighbour[]> {
  if (log.seq === undefined) return [];
  const { Log } = await models();
  const from = Math.max(1, log.seq - radius);
  const seqs = Array.from({ length: log.seq + radius - from + 1 }, (_, i) => from + i);
  const docs = await Promise.all(
    seqs.map((seq) =>
      Log.findById(
        deriveLogId({ service: log.service, instance: log.instance, session: log.session, seq }, '', 0),
        LIST_FIELDS,
      ).lean<LeanLog>(),
    ),
  );
  const found = seqs.map((seq, i) => ({ seq, log: docs[i] ? toRow(docs[i]) : null }));
  // Seqs above the highest stored one may simply not exist yet; only holes below it are "missing".
  const highest = found.reduce((max, n) => (n.log ? n.seq : max), log.seq);
  return found.filter((n) => n.seq <= highest);
}

/** Every log carrying `requestId`, across services, oldest first (bounded). */
export async function requestTimeline(requestId: string, limit = 200): Promise<LogRow[]> {
  return (await requestLogs(await models(), requestId, limit)).map(toRow);
}

/** Most rows an export returns. */
export const EXPORT_LIMIT = 10_000;

/** The search's rows for exports, newest first, page after page of the same walk (at most {@link EXPORT_LIMIT}). */
export async function* exportRows(search: LogSearch): AsyncGenerator<LogRow> {
  const [all, read] = [await models(), await requestRollups()];
  let cursor = search.cursor;
  let sent = 0;
  for (;;) {
    const page = await searchPage(all, read, { ...search, limit: 500, cursor });
    for (const row of page.rows) {
      if (sent >= EXPORT_LIMIT) return;
      sent += 1;
      yield toRow(row);
    }
    const last = page.rows[page.rows.length - 1];
    if (!page.hasMore || !last) return;
    cursor = { ts: new Date(last.ts), id: last._id };
  }
}
