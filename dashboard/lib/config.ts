import { z } from 'zod';
import {
  envFlag,
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
  parseEnv,
  MongoReadPreference,
  MongoWriteConcern,
  RedisClusterNodes,
  redisTargetOf,
  type RedisTarget,
  UserEmail,
} from '@logstream/shared-types';

/** The dashboard's whole configuration, read from the environment once per server process. */
export const DashboardEnv = z
  .object({
    /** MongoDB (or FerretDB) URL; the database is the URL's path, else `logstream`. Default mongodb://127.0.0.1:27017. */
    MONGO_URL: z
      .string()
      .regex(/^mongodb(\+srv)?:\/\//, 'MONGO_URL must start with mongodb://')
      .default('mongodb://127.0.0.1:27017'),
    /** Ingestion API as the dashboard's server reaches it. Default http://127.0.0.1:3000. */
    API_URL: z.url().default('http://127.0.0.1:3000'),
    /** Ingestion API as the browser reaches it (socket.io, BullMQ board). Default: API_URL. */
    PUBLIC_API_URL: z.url().optional(),
    /** Admin key the dashboard's server sends as `x-api-key` on its API calls (after checking the user's role); never sent to browsers. Default: none. */
    ADMIN_KEY: z.string().min(1).optional(),
    /** Timeout of server-side API calls, ms. Default 1500. */
    API_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(1500),
    /** Secret sealing the session cookie (32+ characters; changing it signs everyone out). Required; `npm start` makes one. */
    SESSION_SECRET: z.string().min(32, 'SESSION_SECRET must be at least 32 characters').optional(),
    /** How long a session lasts after sign-in, hours. Default 12. */
    SESSION_TTL_HOURS: z.coerce
      .number()
      .min(0.05)
      .max(24 * 30)
      .default(12),
    /** Session cookie `Secure` flag: `auto` sets it when the request came over https (X-Forwarded-Proto), or force `true`/`false`. Default `auto`. */
    COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
    /** Secret shared with the API for live-feed tokens (32+ characters, the API's LIVE_TOKEN_SECRET). Unset: no live feed. Default unset. */
    LIVE_TOKEN_SECRET: z.string().min(32, 'LIVE_TOKEN_SECRET must be at least 32 characters').optional(),
    /** Lifetime of a live-feed token, seconds (socket.io reconnects fetch a new one). Default 300. */
    LIVE_TOKEN_TTL_S: z.coerce.number().int().min(10).max(3600).default(300),
    /** Redis for failed-login counters. Default redis://127.0.0.1:6379. */
    REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
    /** Write concern of the dashboard's writes (users, retention settings), as the services' MONGO_WRITE_CONCERN. Default unset (the server's). */
    MONGO_WRITE_CONCERN: MongoWriteConcern.optional(),
    /** Where page queries read on a replica set: `secondaryPreferred` takes the dashboard's scans off the primary (a page may then lag by the replication delay). Default `primary`. */
    MONGO_READ_PREFERENCE: MongoReadPreference.default('primary'),
    /** Redis Cluster seed nodes `host:port,…` (as the services'); when set, REDIS_URL is ignored. Default unset. */
    REDIS_CLUSTER_NODES: RedisClusterNodes.optional(),
    /** Key prefix of those counters (as the services' QUEUE_PREFIX). Default `logstream`. */
    QUEUE_PREFIX: z.string().min(1).default('logstream'),
    /** Failed sign-ins allowed per account per 15 minutes before it is locked for 15 minutes. Default 5. */
    LOGIN_FAILS_PER_ACCOUNT: z.coerce.number().int().min(1).default(5),
    /** Failed sign-ins allowed per client address per hour before it is blocked for an hour. Default 50. */
    LOGIN_FAILS_PER_ADDRESS: z.coerce.number().int().min(1).default(50),
    /** First admin, created at the first sign-in attempt when no user exists yet (production installs). Default unset. */
    ADMIN_EMAIL: UserEmail.optional(),
    /** That admin's password (12+ characters; read once, never a default). Default unset. */
    ADMIN_PASSWORD: z
      .string()
      .min(MIN_PASSWORD_LENGTH, `ADMIN_PASSWORD must be at least ${MIN_PASSWORD_LENGTH} characters`)
      .max(MAX_PASSWORD_LENGTH)
      .optional(),
    /** Server-side time limit of every MongoDB query of a page (`maxTimeMS`), ms. Default 30000. */
    QUERY_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
    /** Server-side time limit of an export's MongoDB cursor, ms. Default 120000. */
    EXPORT_TIMEOUT_MS: z.coerce.number().int().min(1000).max(3_600_000).default(120_000),
    /** Take the client address for login limits from X-Forwarded-For's last hop (behind a reverse proxy). Default true. */
    TRUST_PROXY: envFlag(true),
  })
  .refine((env) => (env.ADMIN_EMAIL === undefined) === (env.ADMIN_PASSWORD === undefined), {
    message: 'set ADMIN_EMAIL and ADMIN_PASSWORD together (or neither)',
    path: ['ADMIN_PASSWORD'],
  });

/** Parsed configuration with derived URLs. */
export interface DashboardConfig {
  mongoUrl: string;
  /** MONGO_WRITE_CONCERN and MONGO_READ_PREFERENCE. */
  mongoOptions: { writeConcern?: 'majority' | number; readPreference: z.infer<typeof MongoReadPreference> };
  apiUrl: string;
  publicApiUrl: string;
  adminKey: string | undefined;
  apiTimeoutMs: number;
  /** BullMQ board: PUBLIC_API_URL + `/admin/queues`. */
  boardUrl: string;
  /** Undefined until configured: pages then explain how to set it instead of failing. */
  sessionSecret: string | undefined;
  sessionTtlMs: number;
  cookieSecure: 'auto' | boolean;
  liveTokenSecret: string | undefined;
  liveTokenTtlS: number;
  redisUrl: string;
  /** Where Redis is: REDIS_CLUSTER_NODES when set, else REDIS_URL. */
  redis: RedisTarget;
  keyPrefix: string;
  loginFailsPerAccount: number;
  loginFailsPerAddress: number;
  firstAdmin: { email: string; password: string } | undefined;
  queryTimeoutMs: number;
  exportTimeoutMs: number;
  trustProxy: boolean;
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');

/** Parses an environment (tests pass their own); throws a readable ConfigError on bad values. */
export function parseDashboardConfig(env: Record<string, string | undefined>): DashboardConfig {
  const parsed = parseEnv(DashboardEnv, env);
  const apiUrl = trimSlash(parsed.API_URL);
  const publicApiUrl = trimSlash(parsed.PUBLIC_API_URL ?? apiUrl);
  return {
    mongoUrl: parsed.MONGO_URL,
    mongoOptions: {
      readPreference: parsed.MONGO_READ_PREFERENCE,
      ...(parsed.MONGO_WRITE_CONCERN !== undefined && { writeConcern: parsed.MONGO_WRITE_CONCERN }),
    },
    apiUrl,
    publicApiUrl,
    adminKey: parsed.ADMIN_KEY,
    apiTimeoutMs: parsed.API_TIMEOUT_MS,
    boardUrl: `${publicApiUrl}/admin/queues`,
    sessionSecret: parsed.SESSION_SECRET,
    sessionTtlMs: Math.round(parsed.SESSION_TTL_HOURS * 3_600_000),
    cookieSecure: parsed.COOKIE_SECURE === 'auto' ? 'auto' : parsed.COOKIE_SECURE === 'true',
    liveTokenSecret: parsed.LIVE_TOKEN_SECRET,
    liveTokenTtlS: parsed.LIVE_TOKEN_TTL_S,
    redisUrl: parsed.REDIS_URL,
    redis: redisTargetOf(parsed),
    keyPrefix: parsed.QUEUE_PREFIX,
    loginFailsPerAccount: parsed.LOGIN_FAILS_PER_ACCOUNT,
    loginFailsPerAddress: parsed.LOGIN_FAILS_PER_ADDRESS,
    firstAdmin:
      parsed.ADMIN_EMAIL && parsed.ADMIN_PASSWORD
        ? { email: parsed.ADMIN_EMAIL, password: parsed.ADMIN_PASSWORD }
        : undefined,
    queryTimeoutMs: parsed.QUERY_TIMEOUT_MS,
    exportTimeoutMs: parsed.EXPORT_TIMEOUT_MS,
    trustProxy: parsed.TRUST_PROXY,
  };
}

let cached: DashboardConfig | undefined;

/** The process's configuration, parsed on first use (at request time, so `next build` needs no env). */
export function config(): DashboardConfig {
  cached ??= parseDashboardConfig(process.env);
  return cached;
}
