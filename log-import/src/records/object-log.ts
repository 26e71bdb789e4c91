import type { LogFields } from '@logstream/producer';

/** A log read from an NDJSON line or a JSON array item, ready for `producer.log(level, message, fields)`. */
export interface ImportedLog {
  service: string;
  level: string;
  message: string;
  fields: LogFields;
}

/** Fields the importer reads itself; every other field is kept in `meta`. */
const KNOWN = new Set([
  'service',
  'level',
  'severity',
  'message',
  'msg',
  'timestamp',
  'ts',
  'time',
  'requestId',
  'meta',
  'seq',
]);

/**
 * Maps one JSON object to a log. LogStream's own schema is read as is; common aliases (`msg`, `severity`, `time`,
 * `ts`) are accepted, unknown top-level fields (`instance`, `traceId`, `host` …) are moved into `meta`, and the
 * producer numbers the log itself (a `seq` in the file is dropped). Returns an error message for a non-object.
 */
export function objectToLog(value: unknown, defaultService: string): ImportedLog | { error: string } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { error: 'each log must be a JSON object' };
  }
  const item = value as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const service = text(item.service) ?? defaultService;
  const level = text(item.level) ?? text(item.severity) ?? 'info';
  const rawMessage = item.message ?? item.msg;
  const message =
    typeof rawMessage === 'string' ? rawMessage : rawMessage === undefined ? '' : JSON.stringify(rawMessage);
  const fields: LogFields = {};
  const timestamp = item.timestamp ?? item.ts ?? item.time;
  if (typeof timestamp === 'string' || typeof timestamp === 'number') fields.timestamp = timestamp;
  if (typeof item.requestId === 'string') fields.requestId = item.requestId;
  const extra = Object.fromEntries(Object.entries(item).filter(([key]) => !KNOWN.has(key)));
  const meta =
    item.meta !== null && typeof item.meta === 'object' && !Array.isArray(item.meta)
      ? { ...(item.meta as Record<string, unknown>), ...extra }
      : item.meta !== undefined
        ? { meta: item.meta, ...extra }
        : extra;
  if (Object.keys(meta).length > 0) fields.meta = meta;
  return { service, level, message, fields };
}
