import { streamOf, type JobLog } from '@logstream/shared-types';
import { encodeMetaKeys } from '../meta-keys';
import { messageWords } from '../search/message-words';
import type { LogDoc } from './log';
import { hourOf, minuteOf } from './rollup';

/** A stored log document with its derived `_id`. */
export type LogDocument = LogDoc & { _id: string };

/** What the writer knows about a log besides the log itself. */
export interface StoredLogFields {
  receivedAt: Date;
  storedAt: Date;
  batchId: string;
  /** `writer:flush` that stores it. */
  flushRef: string;
}

/**
 * The document stored for one log: the log's fields plus the derived ones every search relies on (`minute`, `hour`,
 * `words`) and meta keys encoded for storage. The one place that decides what a stored log looks like.
 */
export function logDocument(log: JobLog, fields: StoredLogFields): LogDocument {
  const ts = new Date(log.ts);
  const doc: LogDocument = {
    _id: log.id,
    service: log.service,
    stream: streamOf(log),
    level: log.level,
    message: log.message,
    words: messageWords(log.message),
    ts,
    minute: minuteOf(ts),
    hour: hourOf(ts),
    receivedAt: fields.receivedAt,
    storedAt: fields.storedAt,
    batchId: fields.batchId,
    flushRef: fields.flushRef,
  };
  if (log.instance !== undefined) doc.instance = log.instance;
  if (log.session !== undefined) doc.session = log.session;
  if (log.seq !== undefined) doc.seq = log.seq;
  if (log.fp !== undefined) doc.fp = log.fp;
  if (log.requestId !== undefined) doc.requestId = log.requestId;
  if (log.traceId !== undefined) doc.traceId = log.traceId;
  if (log.spanId !== undefined) doc.spanId = log.spanId;
  if (log.meta !== undefined) doc.meta = encodeMetaKeys(log.meta);
  return doc;
}
