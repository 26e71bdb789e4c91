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

/**
 * A producer session: one producer process's run, named by the producer (the client library draws a random one per
 * start, and keeps it in its spool across restarts). Seqs are compared only within one session, so two replicas of a
 * service, or a restart without a spool, never collide.
 */
export const SessionId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'session must be 1 to 64 characters of A-Z, a-z, 0-9, "-" or "_"');
export type SessionId = z.infer<typeof SessionId>;

/** Per-session (or, without a session, per-stream) sequence number assigned by the producer: 1, 2, 3 … */
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
    session: SessionId.optional(),
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
  /**
   * The request the log came in, when its job holds several (group commit); otherwise the job's `batchId` is the
   * request's.
   */
  batchId: z.string().min(1).optional(),
  service: ServiceName,
  instance: InstanceName.optional(),
  session: SessionId.optional(),
  seq: Seq.optional(),
  /** Content fingerprint of a numbered log (see `fingerprintLog` in the API): tells a retry from a reused seq. */
  fp: z.string().optional(),
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

/** The fields that name a sequence space: a stream and, optionally, a producer session. */
export interface SpaceFields {
  service: string;
  instance?: string | undefined;
  session?: string | undefined;
}

/**
 * The sequence space a numbered log belongs to: its stream, or `stream#session` when the producer names a session.
 * Seqs are compared only within one space; ACK state is kept per space.
 */
export function sequenceSpaceOf(log: SpaceFields): string {
  return log.session ? `${streamOf(log)}#${log.session}` : streamOf(log);
}

/** The service and instance of a stream name (`service` or `service/instance`). */
export function parseStream(stream: string): { service: string; instance?: string } {
  const slash = stream.indexOf('/');
  return slash < 0
    ? { service: stream }
    : { service: stream.slice(0, slash), instance: stream.slice(slash + 1) };
}

/** The stream and session of a sequence space name (the inverse of {@link sequenceSpaceOf}). */
export function parseSequenceSpace(space: string): { stream: string; session?: string } {
  const hash = space.indexOf('#');
  return hash < 0 ? { stream: space } : { stream: space.slice(0, hash), session: space.slice(hash + 1) };
}

/**
 * The storage `_id` of a log, derived so that a re-delivered or re-sent log maps to the same document:
 * `space@seq` when the producer numbers its logs, otherwise `batchId:index` fixed at ingest and carried in the job.
 * Slugs and session ids never contain `@` or `:`, so the two forms cannot collide.
 */
export function deriveLogId(
  log: SpaceFields & { seq?: number | undefined },
  batchId: string,
  index: number,
): string {
  return log.seq !== undefined ? `${sequenceSpaceOf(log)}@${log.seq}` : `${batchId}:${index}`;
}

/**
 * The `_id` under which a log is stored when its seq was already stored with other content (a seq reused by a
 * misbehaving client): both are kept, never one dropped for the other.
 */
export function conflictLogId(id: string, fingerprint: string): string {
  return `${id}~${fingerprint}`;
}

/**
 * Groups items by a key, keeping their order within each group. The one grouping helper for "logs by stream",
 * "seqs by sequence space" and the like.
 */
export function groupBy<T, K>(items: Iterable<T>, keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
