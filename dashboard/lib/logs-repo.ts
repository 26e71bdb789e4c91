import { deriveLogId } from '@logstream/shared-types';
import { decodeMetaKeys, type LogDoc } from '@logstream/storage';
import { config } from './config';
import { models } from './db';
import { histogramPipeline, PAGE_SORT, toMongoFilter, toPageFilter, type LogSearch } from './log-query';

/** A stored log as pages show it (plain JSON-safe object, meta keys decoded). */
export interface LogRow {
  id: string;
  service: string;
  instance?: string;
  stream: string;
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

/** One result page (keyset on ts desc, _id desc); `next` is set when older rows exist. */
export async function searchLogs(search: LogSearch): Promise<{ rows: LogRow[]; hasMore: boolean }> {
  const { Log } = await models();
  const docs = await Log.find(toPageFilter(search), LIST_FIELDS)
    .sort(PAGE_SORT)
    .limit(search.limit + 1)
    .lean<LeanLog[]>();
  return { rows: docs.slice(0, search.limit).map(toRow), hasMore: docs.length > search.limit };
}

/** Volume of the search per display bucket and level, from a `$match` + `$group` on the stored `minute`. */
export async function searchHistogram(search: LogSearch) {
  const { Log } = await models();
  const rows = await Log.aggregate<{ _id: { minute: Date; level: string }; count: number }>(
    histogramPipeline(search),
  );
  const span = search.to.getTime() - search.from.getTime();
  // About 90 bars whatever the range, in whole minutes (the stored bucket).
  const bucketMs = Math.max(60_000, Math.ceil(span / 90 / 60_000) * 60_000);
  const start = Math.floor(search.from.getTime() / 60_000) * 60_000;
  const count = Math.max(1, Math.ceil((search.to.getTime() - start) / bucketMs));
  let total = 0;
  const flat = rows.map((r) => {
    total += r.count;
    return { minute: new Date(r._id.minute), level: r._id.level, count: r.count };
  });
  return { flat, start, bucketMs, count, total };
}

/** One log by id, or null. */
export async function findLog(id: string): Promise<LogRow | null> {
  const { Log } = await models();
  const doc = await Log.findById(id, LIST_FIELDS).lean<LeanLog>();
  return doc ? toRow(doc) : null;
}

/** A slot of the surrounding-logs list: a stored log, or a seq nobody stored. */
export type Neighbour = { seq: number; log: LogRow | null };

/**
 * Logs of the same stream with seq within ±`radius`, every missing seq marked. Numbered logs have the derived id
 * `stream@seq`, so this is a handful of `_id` point lookups: the `_id` index on MongoDB, and the one filter FerretDB
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
        deriveLogId({ service: log.service, instance: log.instance, seq }, '', 0),
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
  const { Log } = await models();
  const docs = await Log.find({ requestId }, LIST_FIELDS)
    .sort({ ts: 1, _id: 1 })
    .limit(limit)
    .lean<LeanLog[]>();
  return docs.map(toRow);
}

/** Most rows an export returns. */
export const EXPORT_LIMIT = 10_000;

/** A streaming cursor over the search's rows for exports (bounded by {@link EXPORT_LIMIT}). */
export async function exportCursor(search: LogSearch) {
  const { Log } = await models();
  return Log.find(toMongoFilter(search), LIST_FIELDS)
    .sort(PAGE_SORT)
    .limit(EXPORT_LIMIT)
    .maxTimeMS(config().exportTimeoutMs)
    .lean<LeanLog>()
    .cursor({ batchSize: 500 });
}
