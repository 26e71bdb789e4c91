import { z } from 'zod';
import { DEFAULT_QUEUE_PREFIX } from './queues';

/** An environment flag: `true/1/yes/on` or `false/0/no/off` (case-insensitive). `z.coerce.boolean` would read "false" as true. */
export function envFlag(defaultValue: boolean) {
  return z
    .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off', 'TRUE', 'FALSE'])
    .default(defaultValue ? 'true' : 'false')
    .transform((value) => ['true', '1', 'yes', 'on'].includes(value.toLowerCase()));
}

/** Thrown by {@link parseEnv}; its message lists every bad variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Parses `env` (normally `process.env`) with a service's config schema, once at start. On failure the message names
 * each variable and what is wrong, so a bad deployment fails fast and readably.
 */
export function parseEnv<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined>,
): z.output<S> {
  // Empty strings mean "unset", as in most .env tooling.
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const lines = result.error.issues.map(
    (issue) => `  ${issue.path.join('.') || '(config)'}: ${issue.message}`,
  );
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
}

/** Environment fields every LogStream service reads the same way; each service's config spreads them in. */
export const serviceEnv = {
  /** Redis holding the queue, the ACK state and the fault flags. Default redis://127.0.0.1:6379. */
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  /** MongoDB; the database is the URL's path, else `logstream`. Default mongodb://127.0.0.1:27017. */
  MONGO_URL: z
    .string()
    .startsWith('mongodb', 'MONGO_URL must be a mongodb:// URL')
    .default('mongodb://127.0.0.1:27017'),
  /** BullMQ and ACK-state key prefix. Default `logstream`. */
  QUEUE_PREFIX: z.string().min(1).default(DEFAULT_QUEUE_PREFIX),
  /** How long a stream's (or producer session's) ACK state is kept in Redis after its last change. Default 7 days. */
  STREAM_STATE_TTL_MS: z.coerce
    .number()
    .int()
    .min(60_000)
    .default(7 * 24 * 60 * 60 * 1000),
  /** pino level. Default `info`. */
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  /** Pretty-print logs for people (npm start) instead of JSON lines. Default false. */
  LOG_PRETTY: envFlag(false),
};
