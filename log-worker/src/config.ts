import { z } from 'zod';
import {
  DEFAULT_RETENTION_DAYS,
  envFlag,
  parseEnv,
  RetentionDays,
  serviceEnv,
} from '@logstream/shared-types';

/** The worker's whole configuration, read from the environment once at start. */
export const WorkerConfig = z
  .object({
    ...serviceEnv,
    /** Logs per bulk insert. Default 50. */
    BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(50),
    /** A partial batch is written after this long. Default 200 ms. */
    FLUSH_MS: z.coerce.number().int().min(1).max(60_000).default(200),
    /** Bulk inserts that may run at once. Default 8. */
    FLUSH_LANES: z.coerce.number().int().min(1).max(64).default(8),
    /**
     * How long a flush's rollup increments wait for the next flushes', to be written as one statement per bucket (its
     * jobs complete after them; its logs are stored and acknowledged before). 0: at once. Default 200 ms.
     */
    ROLLUP_DELAY_MS: z.coerce.number().int().min(0).max(10_000).default(200),
    /**
     * A flush journaled this long ago and still not counted in the per-minute rollups is counted by whichever worker
     * looks next (its worker died and its logs never came back). Longer than a flush may take. Default 120000 ms.
     */
    STALE_FLUSH_AFTER_MS: z.coerce.number().int().min(1_000).default(120_000),
    /** How often each worker looks for such flushes. Default 15000 ms. */
    STALE_FLUSH_CHECK_MS: z.coerce.number().int().min(100).default(15_000),
    /** A flush (insert, rollups, ACK marks) not done after this long fails and its jobs are retried. Default 60000 ms. */
    FLUSH_TIMEOUT_MS: z.coerce.number().int().min(1_000).default(60_000),
    /** A MongoDB call whose socket is silent this long, or that waits this long for a pooled connection, fails. Default 30000 ms. */
    MONGO_OP_TIMEOUT_MS: z.coerce.number().int().min(1_000).default(30_000),
    /** Jobs held at once (their logs wait in the buffer). Default 64. */
    CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(64),
    /** Logs held at once by running jobs: fewer jobs are taken while jobs are large (see HeldLogsBudget). Default 20000. */
    MAX_HELD_LOGS: z.coerce.number().int().min(100).default(20_000),
    /** A job's lock; a crashed worker's jobs return to the queue after it lapses. Default 15000 ms. */
    LOCK_DURATION_MS: z.coerce.number().int().min(1000).default(15_000),
    /** How often stalled jobs are looked for. Default 5000 ms. */
    STALLED_INTERVAL_MS: z.coerce.number().int().min(500).default(5_000),
    /** Times a job may stall (its worker died) before it fails. Default 10. */
    MAX_STALLED_COUNT: z.coerce.number().int().min(0).default(10),
    /** Port of the worker's /health, /ready and /metrics. Default 3002; 0 picks a free one. */
    HEALTH_PORT: z.coerce.number().int().min(0).max(65535).default(3002),
    /** Interface of /health, /ready and /metrics; `0.0.0.0` to let a scraper on another host in. Default 127.0.0.1 (loopback). */
    HEALTH_HOST: z.string().min(1).default('127.0.0.1'),
    /** A gap in a stream's seqs, or a log received and not stored, older than this becomes a replay request. Default 5000 ms. */
    REPLAY_AFTER_MS: z.coerce.number().int().min(100).default(5_000),
    /** An open replay request not completed within this is marked expired. Default 600000 ms (10 min). */
    REPLAY_EXPIRE_MS: z.coerce.number().int().min(1000).default(600_000),
    /** How often the replay watcher examines streams. Default 1000 ms. */
    REPLAY_INTERVAL_MS: z.coerce.number().int().min(50).default(1_000),
    /** A stream (or producer session) unchanged this long, with nothing open, leaves the watcher's active set. Default 600000 ms (10 min). */
    STREAM_IDLE_MS: z.coerce.number().int().min(1_000).default(600_000),
    /** On SIGTERM, the longest the worker spends finishing jobs and flushing before it exits anyway. Default 30000 ms. */
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).default(30_000),
    /** How often the rollup compactor sums minute rollups into hour rollups. Default 15000 ms. */
    ROLLUP_COMPACT_INTERVAL_MS: z.coerce.number().int().min(100).default(15_000),
    /** Hours back the compactor revisits, one per pass, to take in late logs. Default 168 (7 days). */
    ROLLUP_REVISIT_HOURS: z.coerce.number().int().min(1).default(168),
    /** Most live-tail logs published per second (a sample above it). Default 200. */
    LIVE_MAX_PER_SEC: z.coerce.number().int().min(0).default(200),
    /** Obey injected faults (crash-worker) set through the API's POST /control. Default true. */
    ENABLE_FAULTS: envFlag(true),
    /** Days logs are kept unless their service has its own retention (set on the dashboard). Default 14. */
    RETENTION_DAYS: RetentionDays.default(DEFAULT_RETENTION_DAYS),
    /** How often the retention sweeper runs (one worker at a time, under a leader lock). Default 600000 ms (10 min). */
    RETENTION_SWEEP_MS: z.coerce.number().int().min(100).default(600_000),
    /** An hour of one service with at most this many logs goes in one delete, a fuller one minute by minute; also the batch of other collections. Default 1000. */
    RETENTION_BATCH_SIZE: z.coerce.number().int().min(1).max(100_000).default(1000),
    /** Pause between two delete batches, so ingest writes interleave. Default 100 ms. */
    RETENTION_BATCH_PAUSE_MS: z.coerce.number().int().min(0).default(100),
    /** Most delete statements per sweep; the rest waits for the next sweep. Default 500. */
    RETENTION_MAX_BATCHES: z.coerce.number().int().min(1).default(500),
    /** Dead-letter queue jobs older than this leave Redis once MongoDB holds their letter. Default 604800000 ms (7 days). */
    DEAD_LETTER_REDIS_MS: z.coerce
      .number()
      .int()
      .min(0)
      .default(7 * 24 * 60 * 60 * 1000),
  })
  .refine((c) => c.MONGO_OP_TIMEOUT_MS < c.FLUSH_TIMEOUT_MS, {
    message:
      'MONGO_OP_TIMEOUT_MS must be below FLUSH_TIMEOUT_MS (a stuck call should fail before its flush is abandoned)',
    path: ['MONGO_OP_TIMEOUT_MS'],
  })
  .refine((c) => c.STALLED_INTERVAL_MS < c.LOCK_DURATION_MS, {
    message: 'STALLED_INTERVAL_MS must be below LOCK_DURATION_MS',
    path: ['STALLED_INTERVAL_MS'],
  });
export type WorkerConfig = z.output<typeof WorkerConfig>;

/** Parses the environment; throws a readable `ConfigError` listing every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): WorkerConfig {
  return parseEnv(WorkerConfig, env);
}
