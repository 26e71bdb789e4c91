import { z } from 'zod';
import { JobLog } from './log';

/**
 * Payload of one ingest queue job: the logs to store of one `POST /ingest` request, or of several committed together
 * (then each log names its request in `batchId`).
 */
export const IngestJobData = z.object({
  batchId: z.string().min(1),
  receivedAt: z.iso.datetime(),
  logs: z.array(JobLog).min(1),
});
export type IngestJobData = z.infer<typeof IngestJobData>;

/** Why one item of a request was refused: its index in the request and one entry per problem. */
export const ItemRejection = z.object({
  index: z.int().nonnegative(),
  /** 1-based line of the item in an NDJSON body (blank lines count). */
  line: z.int().positive().optional(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })),
});
export type ItemRejection = z.infer<typeof ItemRejection>;

/** An inclusive range of seqs, `[from, to]`. */
export const SeqRangeSchema = z.tuple([z.int(), z.int()]);

/** The acknowledgement state of one sequence space: a stream, or one producer session of it (see docs/protocol.md). */
export const AckState = z.object({
  /** The stream: `service` or `service/instance`. */
  stream: z.string(),
  /** The producer session the seqs belong to; absent for a client that names none. */
  session: z.string().optional(),
  /** Highest seq such that every seq 1..ackTill was received by the API. */
  ackTill: z.int().nonnegative(),
  /** Highest seq such that every seq 1..persistedTill is durably stored. Never passes a seq that is not stored. */
  persistedTill: z.int().nonnegative(),
  /** Gaps in the received seqs above ackTill, as inclusive ranges, lowest first (the first 100). */
  missing: z.array(SeqRangeSchema),
  /** Seqs stored above persistedTill (beyond a gap), lowest first (the first 100): a producer may forget these too. */
  persisted: z.array(SeqRangeSchema),
  /** Ranges the producer is asked to resend (open replay requests), lowest first. */
  replay: z.array(SeqRangeSchema),
  /** Ranges given up as lost: asked for and never resent before the request expired. Never counted as persisted. */
  lost: z.array(SeqRangeSchema),
  /** Highest seq received at all. */
  highestSeq: z.int().nonnegative(),
  /** `ok` when nothing is missing, lost or unstored; `partial` otherwise. */
  status: z.enum(['ok', 'partial']),
});
export type AckState = z.infer<typeof AckState>;

/** The answer to `POST /ingest` (202). */
export const IngestReceipt = z.object({
  batchId: z.string(),
  accepted: z.int().nonnegative(),
  rejected: z.array(ItemRejection),
  /** Duplicates of seqs already received: acknowledged again, not stored twice. */
  duplicates: z.int().nonnegative().optional(),
  /** ACK state of the request's stream when it carries exactly one numbered stream. */
  ackTill: z.int().nonnegative().optional(),
  persistedTill: z.int().nonnegative().optional(),
  missing: z.array(z.tuple([z.int(), z.int()])).optional(),
  status: z.enum(['ok', 'partial']).optional(),
  replay: z.array(z.tuple([z.int(), z.int()])).optional(),
  /** ACK state of every sequence space in the request, keyed by `stream` or `stream#session`. */
  streams: z.record(z.string(), AckState).optional(),
});
export type IngestReceipt = z.infer<typeof IngestReceipt>;
