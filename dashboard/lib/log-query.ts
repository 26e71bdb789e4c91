import { z } from 'zod';
import { LOG_LEVELS, ServiceName, type LogLevel } from '@logstream/shared-types';

/** Relative time range presets of the search form. */
export const RANGE_PRESETS = {
  '15m': 15 * 60_000,
  '1h': 60 * 60_000,
  '24h': 24 * 60 * 60_000,
  '7d': 7 * 24 * 60 * 60_000,
} as const;
export type RangePreset = keyof typeof RANGE_PRESETS;
/** Page sizes offered; the first page of a search is bounded by the largest. */
export const PAGE_SIZES = [25, 50, 100, 200] as const;
export const DEFAULT_RANGE: RangePreset = '24h';
export const DEFAULT_PAGE_SIZE = 50;

/** Raw URL search params as Next passes them (`string | string[]`) or a `URLSearchParams`. */
export type RawParams = URLSearchParams | Record<string, string | string[] | undefined>;

/** A validated log search: everything a URL of `/logs` can say. */
export interface LogSearch {
  services: string[];
  levels: LogLevel[];
  /** Set when the range is a preset; `from`/`to` are then derived from `now`. */
  range: RangePreset | null;
  from: Date;
  to: Date;
  /** Text of the message, matched literally and case-insensitively on word boundaries. */
  q: string;
  requestId: string;
  /** OpenTelemetry trace id (32 hex digits), matched exactly. */
  traceId: string;
  limit: number;
  cursor: Cursor | null;
  /** Id of the log whose drawer is open. */
  open: string | null;
}

/** Keyset position: the last row shown (sort is ts desc, _id desc). */
export interface Cursor {
  ts: Date;
  id: string;
}

const IsoDate = z
  .string()
  .max(40)
  .transform((raw, ctx) => {
    // `<input type="datetime-local">` sends no zone; the dashboard shows UTC, so read it as UTC.
    const withZone = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(raw) ? `${raw}Z` : raw;
    const date = new Date(withZone);
    if (Number.isNaN(date.getTime())) {
      ctx.addIssue({ code: 'custom', message: `"${raw.slice(0, 40)}" is not a date` });
      return z.NEVER;
    }
    return date;
  });

const fields = {
  service: z.array(ServiceName).max(20),
  level: z.array(z.enum(LOG_LEVELS)),
  range: z.enum(Object.keys(RANGE_PRESETS) as [RangePreset, ...RangePreset[]]),
  from: IsoDate,
  to: IsoDate,
  q: z.string().max(200, 'q is longer than 200 characters'),
  requestId: z.string().max(128, 'requestId is longer than 128 characters'),
  traceId: z
    .string()
    .regex(/^[0-9a-fA-F]{32}$/, 'traceId must be 32 hex digits')
    .transform((id) => id.toLowerCase()),
  limit: z.coerce
    .number()
    .pipe(z.union(PAGE_SIZES.map((n) => z.literal(n)) as unknown as [z.ZodLiteral<number>])),
  cursor: z.string().max(400),
  open: z.string().max(300),
};

function getAll(params: RawParams, key: string): string[] {
  const values = params instanceof URLSearchParams ? params.getAll(key) : [params[key] ?? []].flat();
  return values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
}

function getOne(params: RawParams, key: string): string | undefined {
  const value = params instanceof URLSearchParams ? params.get(key) : [params[key] ?? []].flat()[0];
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/** Encodes a cursor for the URL (`base64url(ISO|id)`; ids may contain `@ : /`). */
export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(`${cursor.ts.toISOString()}|${cursor.id}`, 'utf8').toString('base64url');
}

/** Decodes {@link encodeCursor}; undefined when malformed. */
export function decodeCursor(raw: string): Cursor | undefined {
  const text = Buffer.from(raw, 'base64url').toString('utf8');
  const bar = text.indexOf('|');
  if (bar < 0) return undefined;
  const ts = new Date(text.slice(0, bar));
  const id = text.slice(bar + 1);
  return Number.isNaN(ts.getTime()) || id.length === 0 ? undefined : { ts, id };
}

/**
 * Reads a `/logs` URL into a validated search. Bad fields fall back to their defaults and are reported in `issues`
 * (shown above the results) instead of failing the page. `now` is passed in so the function stays pure.
 */
export function parseLogSearch(params: RawParams, now: Date): { search: LogSearch; issues: string[] } {
  const issues: string[] = [];
  const read = <T>(name: keyof typeof fields, raw: unknown, fallback: T): T => {
    if (raw === undefined || (Array.isArray(raw) && raw.length === 0)) return fallback;
    const result = fields[name].safeParse(raw);
    if (result.success) return result.data as T;
    issues.push(`${name}: ${result.error.issues[0]?.message ?? 'invalid'}`);
    return fallback;
  };
  const services = [...new Set(read<string[]>('service', getAll(params, 'service'), []))].sort();
  const levels = [...new Set(read<LogLevel[]>('level', getAll(params, 'level'), []))];
  let from = read<Date | undefined>('from', getOne(params, 'from'), undefined);
  let to = read<Date | undefined>('to', getOne(params, 'to'), undefined);
  let range: RangePreset | null = null;
  if (!from && !to) {
    range = read<RangePreset>('range', getOne(params, 'range'), DEFAULT_RANGE);
  }
  to ??= now;
  from ??= new Date(to.getTime() - RANGE_PRESETS[range ?? DEFAULT_RANGE]);
  if (from.getTime() >= to.getTime()) {
    issues.push('from must be before to; showing the hour before to');
    from = new Date(to.getTime() - RANGE_PRESETS['1h']);
  }
  const rawCursor = read<string | undefined>('cursor', getOne(params, 'cursor'), undefined);
  const cursor = rawCursor ? (decodeCursor(rawCursor) ?? null) : null;
  if (rawCursor && !cursor) issues.push('cursor: not a valid page position; showing the first page');
  const search: LogSearch = {
    services,
    levels: LOG_LEVELS.filter((l) => levels.includes(l)),
    range,
    from,
    to,
    q: read('q', getOne(params, 'q'), ''),
    requestId: read('requestId', getOne(params, 'requestId'), ''),
    traceId: read('traceId', getOne(params, 'traceId'), ''),
    limit: read('limit', getOne(params, 'limit'), DEFAULT_PAGE_SIZE),
    cursor,
    open: read<string | null>('open', getOne(params, 'open'), null),
  };
  return { search, issues };
}

/** Serializes a search back to URL params (defaults omitted) with `overrides` applied; used for every link. */
export function toQueryString(
  search: LogSearch,
  overrides: Partial<Record<keyof LogSearch, unknown>> = {},
): string {
  const s = { ...search, ...overrides } as LogSearch;
  const out = new URLSearchParams();
  for (const service of s.services) out.append('service', service);
  for (const level of s.levels) out.append('level', level);
  if (s.range) {
    if (s.range !== DEFAULT_RANGE) out.set('range', s.range);
  } else {
    out.set('from', s.from.toISOString());
    out.set('to', s.to.toISOString());
  }
  if (s.q) out.set('q', s.q);
  if (s.requestId) out.set('requestId', s.requestId);
  if (s.traceId) out.set('traceId', s.traceId);
  if (s.limit !== DEFAULT_PAGE_SIZE) out.set('limit', String(s.limit));
  if (s.cursor) out.set('cursor', encodeCursor(s.cursor));
  if (s.open) out.set('open', s.open);
  const text = out.toString();
  return text ? `?${text}` : '';
}
