import { z } from 'zod';
import { InstanceName, LIMITS, ServiceName } from '@logstream/shared-types';

/** Test-only fault injection (off by default): probabilities in 0..1, drawn per batch. */
export const ChaosOptions = z
  .object({
    /** Pretend a batch was sent but never send it, creating a gap the protocol must repair. Default 0. */
    drop: z.number().min(0).max(1).default(0),
    /** Send a batch twice. Default 0. */
    dup: z.number().min(0).max(1).default(0),
    /** Send the next batch before this one. Default 0. */
    reorder: z.number().min(0).max(1).default(0),
  })
  .strict();
/** Chaos options as given; each probability defaults to 0. */
export type ChaosOptionsInput = z.input<typeof ChaosOptions>;

/** Options of {@link createProducer}. Every field but `url` and `service` has a default. */
export const ProducerOptions = z
  .object({
    /** Base URL of the ingestion API, e.g. `http://127.0.0.1:3000`. Required. */
    url: z.url(),
    /** Service name (a slug). Required. */
    service: ServiceName,
    /** Instance name: `service/instance` is then the stream that seqs count in. Default none. */
    instance: InstanceName.optional(),
    /** Sent as `x-api-key` when set. Default none. */
    apiKey: z.string().min(1).optional(),
    /** Logs per request; capped at the API's 1000. Default 500. */
    batchSize: z.number().int().min(1).max(LIMITS.maxItemsPerRequest).default(500),
    /** A partial batch is sent after this long. Default 200 ms. */
    flushIntervalMs: z.number().int().min(1).max(60_000).default(200),
    /** Most logs held (unsent + sent but not yet persisted) before `log()` waits for room. Default 100 000. */
    maxBuffered: z.number().int().min(1).default(100_000),
    /** Path of the NDJSON spool; a restarted producer with the same path resumes its seqs. Default none (memory only). */
    spoolFile: z.string().min(1).optional(),
    /** Requests in flight at once. Default 2. */
    maxInFlight: z.number().int().min(1).max(16).default(2),
    /** Per-request timeout. Default 10 000 ms. */
    requestTimeoutMs: z.number().int().min(100).default(10_000),
    /** First retry's backoff ceiling. Default 200 ms. */
    retryBaseMs: z.number().int().min(1).default(200),
    /** Largest backoff ceiling. Default 10 000 ms. */
    retryMaxMs: z.number().int().min(1).default(10_000),
    /** After this long without a receipt, and with logs not yet persisted, `GET /ack/:stream` is polled. Default 500 ms. */
    ackPollMs: z.number().int().min(50).default(500),
    /** A log sent but not acknowledged after this long is sent again (covers lost requests); doubles per send. Default 3000 ms. */
    resendAfterMs: z.number().int().min(100).default(3_000),
    /** A log acknowledged but not persisted after this long is sent again (only against a server that sends no ACK state); doubles per send. Default 60 000 ms. */
    persistTimeoutMs: z.number().int().min(500).default(60_000),
    /** A log is resent on a `replay` request only this long after its last send; doubles per send up to 120 s. Default 5000 ms. */
    replayCooldownMs: z.number().int().min(0).default(5_000),
    /**
     * Most logs per second resent on `replay` requests, lowest seqs first. A server whose storage lags can ask to
     * replay logs that are merely queued; the budget keeps resends from adding much to its load. Default 250.
     */
    replayRatePerSec: z.number().int().min(1).default(250),
    /** Test-only fault injection; see {@link ChaosOptions}. Default off. */
    chaos: ChaosOptions.optional(),
  })
  .strict()
  .refine((o) => o.retryBaseMs <= o.retryMaxMs, {
    message: 'retryBaseMs must not exceed retryMaxMs',
    path: ['retryBaseMs'],
  });

/** What callers pass to {@link createProducer}. */
export type ProducerOptionsInput = z.input<typeof ProducerOptions>;
/** Options with every default filled in. */
export type ProducerConfig = z.output<typeof ProducerOptions>;

/** Validates producer options; throws a TypeError naming each bad field. */
export function resolveOptions(input: ProducerOptionsInput): ProducerConfig {
  const result = ProducerOptions.safeParse(input);
  if (result.success) return result.data;
  const lines = result.error.issues.map(
    (issue) => `${issue.path.join('.') || '(options)'}: ${issue.message}`,
  );
  throw new TypeError(`Invalid producer options: ${lines.join('; ')}`);
}

/** Options of `producer.close()`. */
export interface CloseOptions {
  /** Wait until the API reports every log persisted (else only until every log was received). Default true. */
  waitForPersisted?: boolean;
  /** Give up waiting after this long; what is left stays in the spool, if any. Default 10 000 ms. */
  timeoutMs?: number;
}

/** What `producer.close()` achieved. */
export interface CloseResult {
  /** True when nothing was left unpersisted (or unreceived, without `waitForPersisted`). */
  complete: boolean;
  /** Logs still held at close (kept in the spool when there is one). */
  remaining: number;
}
