import { z } from 'zod';
import { parseEnv } from '@logstream/shared-types';

/** The dashboard's whole configuration, read from the environment once per server process. */
export const DashboardEnv = z.object({
  /** MongoDB (or FerretDB) URL; the database is the URL's path, else `logstream`. Default mongodb://127.0.0.1:27017. */
  MONGO_URL: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'MONGO_URL must start with mongodb://')
    .default('mongodb://127.0.0.1:27017'),
  /** Ingestion API as the dashboard's server reaches it. Default http://127.0.0.1:3000. */
  API_URL: z.url().default('http://127.0.0.1:3000'),
  /** Ingestion API as the browser reaches it (socket.io, BullMQ board). Default: API_URL. */
  PUBLIC_API_URL: z.url().optional(),
  /** Admin key sent as `x-api-key` on `POST /control` and `POST /replays`; stays on the server. Default: none. */
  ADMIN_KEY: z.string().min(1).optional(),
  /** Timeout of server-side API calls, ms. Default 1500. */
  API_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(1500),
});

/** Parsed configuration with derived URLs. */
export interface DashboardConfig {
  mongoUrl: string;
  apiUrl: string;
  publicApiUrl: string;
  adminKey: string | undefined;
  apiTimeoutMs: number;
  /** BullMQ board: PUBLIC_API_URL + `/admin/queues`. */
  boardUrl: string;
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');

/** Parses an environment (tests pass their own); throws a readable ConfigError on bad values. */
export function parseDashboardConfig(env: Record<string, string | undefined>): DashboardConfig {
  const parsed = parseEnv(DashboardEnv, env);
  const apiUrl = trimSlash(parsed.API_URL);
  const publicApiUrl = trimSlash(parsed.PUBLIC_API_URL ?? apiUrl);
  return {
    mongoUrl: parsed.MONGO_URL,
    apiUrl,
    publicApiUrl,
    adminKey: parsed.ADMIN_KEY,
    apiTimeoutMs: parsed.API_TIMEOUT_MS,
    boardUrl: `${publicApiUrl}/admin/queues`,
  };
}

let cached: DashboardConfig | undefined;

/** The process's configuration, parsed on first use (at request time, so `next build` needs no env). */
export function config(): DashboardConfig {
  cached ??= parseDashboardConfig(process.env);
  return cached;
}
