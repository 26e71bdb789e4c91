import { z } from 'zod';
import { envFlag, parseEnv, serviceEnv } from '@logstream/shared-types';
import { DEFAULT_GROUP_COMMIT } from './services/ingest-service';

/** The ingestion API's whole configuration, read from the environment once at start. */
export const ApiConfig = z
  .object({
    ...serviceEnv,
    /** HTTP port. Default 3000. */
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    /** Interface to bind. Default 0.0.0.0. */
    HOST: z.string().default('0.0.0.0'),
    /** Metrics snapshots (one every 2 s) kept in Redis for the Queue page's history. Default 300 (10 minutes). */
    METRICS_HISTORY_SIZE: z.coerce.number().int().min(1).max(10_000).default(300),
    /** Completed ingest jobs stay in Redis (payload already dropped by the worker) at most this long. Default 300 s. */
    JOB_KEEP_COMPLETED_S: z.coerce.number().int().min(0).default(300),
    /** …and at most this many of them. Default 200. */
    JOB_KEEP_COMPLETED: z.coerce.number().int().min(0).default(200),
    /** Failed ingest jobs (their letters are in MongoDB) stay in Redis at most this long. Default 604800 s (7 days). */
    JOB_KEEP_FAILED_S: z.coerce
      .number()
      .int()
      .min(0)
      .default(7 * 24 * 60 * 60),
    /** …and at most this many of them. Default 1000. */
    JOB_KEEP_FAILED: z.coerce.number().int().min(0).default(1000),
    /** Delivery attempts per ingest job before it is dead-lettered. Default 8. */
    JOB_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),
    /** First retry delay of a failed job, doubled each attempt. Default 1000 ms. */
    JOB_BACKOFF_MS: z.coerce.number().int().min(10).default(1000),
    /** Ingest needs a per-service API key (`x-api-key` or `Authorization: Bearer`). Default true. */
    AUTH_REQUIRED: envFlag(true),
    /** Key of the admin routes (/control, /admin/queues, /keys, /dead-letters). Unset: those are open only when AUTH_REQUIRED=false. Default unset. */
    ADMIN_KEY: z.string().min(16, 'ADMIN_KEY must be at least 16 characters').optional(),
    /** Secret shared with the dashboard, which signs short-lived live-feed tokens for its signed-in users (HS256, 32+ characters); socket.io checks them. Unset: only API keys open the live feed. Default unset. */
    LIVE_TOKEN_SECRET: z.string().min(32, 'LIVE_TOKEN_SECRET must be at least 32 characters').optional(),
    /** How long an API key lookup is cached in memory (also how long a revoked key may still pass). Default 5000 ms. */
    AUTH_CACHE_MS: z.coerce.number().int().min(0).max(300_000).default(5_000),
    /** Ingest requests per second per API key (per client IP when auth is off); 0 turns rate limiting off. Default 200. */
    RATE_LIMIT_PER_SEC: z.coerce.number().int().min(0).default(200),
    /** Extra requests per key allowed over any 10 s once the per-second allowance is spent. Default 400. */
    RATE_LIMIT_BURST: z.coerce.number().int().min(0).default(400),
    /** Origin of the dashboard, the only one CORS allows (with its localhost/127.0.0.1 twin). Default http://localhost:3001. */
    DASHBOARD_ORIGIN: z.string().url().default('http://localhost:3001'),
    /** Allow fault injection through POST /control. Default false (the embedded demo turns it on). */
    ENABLE_FAULTS: envFlag(false),
    /** Waiting ingest jobs at which POST /ingest answers 429 with Retry-After. Default 5000. */
    HIGH_WATER_MARK: z.coerce.number().int().min(1).default(5_000),
    /** Waiting jobs below which ingest is accepted again; default 80% of HIGH_WATER_MARK. */
    LOW_WATER_MARK: z.coerce.number().int().min(0).optional(),
    /** Group commit: most logs one group of requests (one queue job) holds; a larger request goes alone. Default 1000. */
    GROUP_COMMIT_MAX_LOGS: z.coerce.number().int().min(1).max(100_000).default(DEFAULT_GROUP_COMMIT.maxLogs),
    /** Group commit: most requests committed together. Default 256. */
    GROUP_COMMIT_MAX_REQUESTS: z.coerce
      .number()
      .int()
      .min(1)
      .max(10_000)
      .default(DEFAULT_GROUP_COMMIT.maxRequests),
    /** Group commit: groups committing at once; requests arriving while all are busy form the next group. Default 4. */
    GROUP_COMMIT_IN_FLIGHT: z.coerce.number().int().min(1).max(64).default(DEFAULT_GROUP_COMMIT.maxInFlight),
    /** Most often ACK updates are announced to the dashboard: the latest state per space, once per interval. Default 1000 ms. */
    ACK_ANNOUNCE_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
    /** `development` shows error stacks in responses; anything else never does. Default `production`. */
    NODE_ENV: z.string().default('production'),
  })
  .transform((c) => ({ ...c, LOW_WATER_MARK: c.LOW_WATER_MARK ?? Math.floor(c.HIGH_WATER_MARK * 0.8) }))
  .refine((c) => c.LOW_WATER_MARK < c.HIGH_WATER_MARK, {
    message: 'LOW_WATER_MARK must be below HIGH_WATER_MARK',
    path: ['LOW_WATER_MARK'],
  });
export type ApiConfig = z.output<typeof ApiConfig>;

/** Parses the environment; throws a readable `ConfigError` listing every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): ApiConfig {
  return parseEnv(ApiConfig, env);
}
