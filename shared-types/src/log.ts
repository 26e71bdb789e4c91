import { z } from 'zod';
import { LIMITS } from './limits';
import { LevelInput, LogLevel } from './level';
import { LogMeta } from './meta';

const SLUG = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const SLUG_HINT =
  'a lowercase slug: a-z, 0-9, "-" or "_", 1 to 64 characters, starting with a letter or digit';

/** A service name such as `payment`. Together with the optional instance it names a stream. */
export const ServiceName = z.string().regex(SLUG, `service must be ${SLUG_HINT}`);
export type ServiceName = z.infer<typeof ServiceName>;

/** An optional instance of a service (`payment/eu-1`): each instance numbers its logs on its own. */
export const InstanceName = z.string().regex(SLUG, `instance must be ${SLUG_HINT}`);

/** A stream name: `service` or `service/instance`. */
export const StreamName = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_-]{0,63}(\/[a-z0-9][a-z0-9_-]{0,63})?$/,
    `stream must be service or service/instance, each ${SLUG_HINT}`,
  );
export type StreamName = z.infer<typeof StreamName>;

/** Per-stream sequence number assigned by the producer: 1, 2, 3 … */
export const Seq = z.int().positive().max(Number.MAX_SAFE_INTEGER);

/** ISO 8601 with a zone (`2026-11-22T10:32:00Z`) or epoch milliseconds; never more than a day ahead. */
export const TimestampInput = z
  .union([z.iso.datetime({ offset: true }), z.number().int().nonnegative()], {
    error: 'timestamp must be an ISO 8601 date-time with a zone or epoch milliseconds',
  })
  .transform((raw, ctx) => {
    const date = new Date(raw);
    if (Number.isNaN(date.getTime())) {
      ctx.addIssue({ code: 'custom', message: 'timestamp is not a valid date' });
      return z.NEVER;
    }
    if (date.getTime() > Date.now() + LIMITS.maxFutureSkewMs) {
      ctx.addIssue({ code: 'custom', message: 'timestamp is more than a day in the future' });
      return z.NEVER;
    }
    return date;
  });

/** A W3C / OpenTelemetry trace id: 32 lowercase hex digits, not all zero (uppercase is lowercased). */
export const TraceId = z
  .string()
  .transform((raw) => raw.toLowerCase())
  .pipe(z.string().regex(/^(?!0{32})[0-9a-f]{32}$/, 'traceId must be 32 hex digits, not all zero'));

/** A W3C / OpenTelemetry span id: 16 lowercase hex digits, not all zero. */
export const SpanId = z
  .string()
  .transform((raw) => raw.toLowerCase())
  .pipe(z.string().regex(/^(?!0{16})[0-9a-f]{16}$/, 'spanId must be 16 hex digits, not all zero'));

/** One log as a producer sends it. Unknown fields are refused so that typos are reported, not dropped. */
export const LogInput = z
  .object({
    service: ServiceName,
    instance: InstanceName.optional(),
    level: LevelInput,
    message: z
      .string({ error: 'message must be a string' })
      .min(1, 'message must not be empty')
      .max(LIMITS.maxMessageLength, `message is longer than ${LIMITS.maxMessageLength} characters`),
    timestamp: TimestampInput.optional(),
    seq: Seq.optional(),
    requestId: z.string().min(1).max(LIMITS.maxRequestIdLength).optional(),
    traceId: TraceId.optional(),
    spanId: SpanId.optional(),
    meta: LogMeta.optional(),
  })
  .strict();
/** A validated, normalized log (level lowercased, timestamp a Date). */
export type LogInput = z.output<typeof LogInput>;
/** What a producer may send for one log. */
export type LogInputRaw = z.input<typeof LogInput>;

/** A log as carried inside a queue job: normalized, with its storage id already derived. */
export const JobLog = z.object({
  id: z.string().min(1),
  service: ServiceName,
  instance: InstanceName.optional(),
  seq: Seq.optional(),
  level: LogLevel,
  message: z.string(),
  ts: z.iso.datetime(),
  requestId: z.string().optional(),
  traceId: z.string().optional(),
  spanId: z.string().optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
});
export type JobLog = z.infer<typeof JobLog>;

/** The stream a log belongs to: `service`, or `service/instance`. */
export function streamOf(log: { service: string; instance?: string | undefined }): string {
  return log.instance ? `${log.service}/${log.instance}` : log.service;
}

/**
 * The storage `_id` of a log, derived so that a re-delivered or re-sent log maps to the same document:
 * `stream@seq` when the producer numbers its logs, otherwise `batchId:index` fixed at ingest and carried in the job.
 * Slugs never contain `@` or `:`, so the two forms cannot collide.
 */
export function deriveLogId(
  log: { service: string; instance?: string | undefined; seq?: number | undefined },
  batchId: string,
  index: number,
): string {
  return log.seq !== undefined ? `${streamOf(log)}@${log.seq}` : `${batchId}:${index}`;
}
