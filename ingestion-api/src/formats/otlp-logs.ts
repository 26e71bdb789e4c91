import type { LogLevel } from '@logstream/shared-types';
import { normalizeLevel } from '@logstream/shared-types';

/** OTLP `AnyValue` as the JSON encoding (and protobufjs' `toObject` with longs/bytes as strings) spells it. */
export interface OtlpAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
  bytesValue?: string;
  arrayValue?: { values?: OtlpAnyValue[] };
  kvlistValue?: { values?: OtlpKeyValue[] };
}
export interface OtlpKeyValue {
  key?: string;
  value?: OtlpAnyValue;
}
export interface OtlpLogRecord {
  timeUnixNano?: string | number;
  observedTimeUnixNano?: string | number;
  severityNumber?: number | string;
  severityText?: string;
  body?: OtlpAnyValue;
  attributes?: OtlpKeyValue[];
  traceId?: string;
  spanId?: string;
  eventName?: string;
}
/** An `ExportLogsServiceRequest` in its JSON shape (ids as hex). */
export interface OtlpLogsRequest {
  resourceLogs?: {
    resource?: { attributes?: OtlpKeyValue[] };
    scopeLogs?: { scope?: { name?: string; version?: string }; logRecords?: OtlpLogRecord[] }[];
  }[];
}

/** The service of logs whose resource names none (OpenTelemetry's own default). */
export const UNKNOWN_SERVICE = 'unknown_service';

/** OTLP severity numbers 1–24 in bands of four: TRACE, DEBUG, INFO, WARN, ERROR, FATAL. */
const SEVERITY_BANDS: LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];
const SEVERITY_NAMES: Record<string, number> = Object.fromEntries(
  SEVERITY_BANDS.flatMap((level, band) =>
    [1, 2, 3, 4].map((step) => [
      `SEVERITY_NUMBER_${level.toUpperCase()}${step === 1 ? '' : step}`,
      band * 4 + step,
    ]),
  ),
);

/** Maps `severityNumber` (else `severityText`) to a level; `info` when neither says anything known. */
export function levelOf(record: Pick<OtlpLogRecord, 'severityNumber' | 'severityText'>): LogLevel {
  const raw = record.severityNumber;
  const number = typeof raw === 'string' ? (SEVERITY_NAMES[raw] ?? Number(raw)) : raw;
  if (number !== undefined && Number.isInteger(number) && number >= 1 && number <= 24) {
    return SEVERITY_BANDS[Math.floor((number - 1) / 4)] as LogLevel;
  }
  return (record.severityText && normalizeLevel(record.severityText)) || 'info';
}

/** Turns an OTLP `service.name` into a LogStream service slug (lowercase; other characters become `-`). */
export function serviceSlug(name: string | undefined): string {
  if (!name) return UNKNOWN_SERVICE;
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 64);
  return slug.length > 0 ? slug : UNKNOWN_SERVICE;
}

/** An `AnyValue` as plain JSON. */
export function plainValue(value: OtlpAnyValue | undefined): unknown {
  if (!value) return null;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) {
    const n = Number(value.intValue);
    return Number.isSafeInteger(n) ? n : String(value.intValue);
  }
  if (value.doubleValue !== undefined)
    return Number.isFinite(value.doubleValue) ? value.doubleValue : String(value.doubleValue);
  if (value.bytesValue !== undefined) return value.bytesValue;
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(plainValue);
  if (value.kvlistValue) return attributesOf(value.kvlistValue.values);
  return null;
}

/** Key/value pairs as an object (later keys win). */
export function attributesOf(pairs: OtlpKeyValue[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs ?? []) if (pair.key) out[pair.key] = plainValue(pair.value);
  return out;
}

function epochMs(nanos: string | number | undefined): number | undefined {
  if (nanos === undefined || nanos === '' || nanos === 0 || nanos === '0') return undefined;
  try {
    const ms = Number(BigInt(nanos) / 1_000_000n);
    return ms > 0 ? ms : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Maps an OTLP logs request to LogStream log items, one per log record, in request order. Nothing is validated here:
 * the items go through the same validation as `POST /ingest`, whose rejections become OTLP's partial success.
 */
export function otlpToItems(request: OtlpLogsRequest): Record<string, unknown>[] {
  const items: Record<string, unknown>[] = [];
  for (const resourceLogs of request.resourceLogs ?? []) {
    const resource = attributesOf(resourceLogs.resource?.attributes);
    const serviceName = resource['service.name'];
    const service = serviceSlug(typeof serviceName === 'string' ? serviceName : undefined);
    delete resource['service.name'];
    for (const scopeLogs of resourceLogs.scopeLogs ?? []) {
      const scope = scopeLogs.scope?.name ? { 'otel.scope.name': scopeLogs.scope.name } : {};
      for (const record of scopeLogs.logRecords ?? []) {
        const body = plainValue(record.body);
        const message =
          typeof body === 'string' ? body : body === null ? (record.eventName ?? '') : JSON.stringify(body);
        const item: Record<string, unknown> = { service, level: levelOf(record), message };
        const timestamp = epochMs(record.timeUnixNano) ?? epochMs(record.observedTimeUnixNano);
        if (timestamp !== undefined) item.timestamp = timestamp;
        if (record.traceId && !/^0*$/.test(record.traceId)) item.traceId = record.traceId;
        if (record.spanId && !/^0*$/.test(record.spanId)) item.spanId = record.spanId;
        const meta: Record<string, unknown> = { ...resource, ...scope, ...attributesOf(record.attributes) };
        if (record.eventName) meta['event.name'] = record.eventName;
        if (Object.keys(meta).length > 0) item.meta = meta;
        items.push(item);
      }
    }
  }
  return items;
}
