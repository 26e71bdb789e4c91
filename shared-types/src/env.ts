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

/** One seed node of a Redis Cluster. */
export interface ClusterNode {
  host: string;
  port: number;
}

/** `host:port,host:port,…` → seed nodes; a readable error names the entry that is not `host:port`. */
export const RedisClusterNodes = z.string().transform((text, context): ClusterNode[] => {
  const nodes: ClusterNode[] = [];
  for (const entry of text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)) {
    const match = /^(.+):(\d{1,5})$/.exec(entry);
    const port = Number(match?.[2]);
    if (!match || port < 1 || port > 65535) {
      context.addIssue({ code: 'custom', message: `"${entry}" is not host:port` });
      return z.NEVER;
    }
    nodes.push({ host: (match[1] as string).replace(/^\[(.*)\]$/, '$1'), port });
  }
  if (nodes.length === 0) context.addIssue({ code: 'custom', message: 'name at least one host:port' });
  return nodes;
});

/** `majority` or a number of replica-set members. */
export const MongoWriteConcern = z
  .string()
  .regex(/^(majority|\d+)$/, 'MONGO_WRITE_CONCERN must be majority or a number')
  .transform((value): 'majority' | number => (value === 'majority' ? 'majority' : Number(value)));

/** Read preferences of a MongoDB replica set. */
export const MongoReadPreference = z.enum([
  'primary',
  'primaryPreferred',
  'secondary',
  'secondaryPreferred',
  'nearest',
]);
export type MongoReadPreference = z.infer<typeof MongoReadPreference>;

/** Where a process's Redis is: one server (`url`), or a Redis Cluster reached through seed nodes. */
export type RedisTarget = { url: string } | { cluster: ClusterNode[] };

/** The Redis target of a parsed config: the cluster when REDIS_CLUSTER_NODES is set, else REDIS_URL. */
export function redisTargetOf(config: {
  REDIS_URL: string;
  REDIS_CLUSTER_NODES?: ClusterNode[] | undefined;
}): RedisTarget {
  return config.REDIS_CLUSTER_NODES ? { cluster: config.REDIS_CLUSTER_NODES } : { url: config.REDIS_URL };
}

/** Environment fields every LogStream service reads the same way; each service's config spreads them in. */
export const serviceEnv = {
  /** Redis holding the queue, the ACK state and the fault flags. Default redis://127.0.0.1:6379. */
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  /** Redis Cluster seed nodes, `host:port,host:port,…`; when set, every Redis connection uses the cluster and REDIS_URL is ignored. Default unset. */
  REDIS_CLUSTER_NODES: RedisClusterNodes.optional(),
  /** Ingest queues (K): streams are spread over them by a stable hash, each with its own hash tag, so a Redis Cluster spreads them over its masters. Every API, worker and dashboard of a deployment must use the same K. Default 1. */
  QUEUE_PARTITIONS: z.coerce.number().int().min(1).max(256).default(1),
  /** MongoDB; the database is the URL's path, else `logstream`. Default mongodb://127.0.0.1:27017. */
  MONGO_URL: z
    .string()
    .startsWith('mongodb', 'MONGO_URL must be a mongodb:// URL')
    .default('mongodb://127.0.0.1:27017'),
  /** Write concern of every MongoDB write: `majority` (a stored log survives a replica-set failover) or a member count. Default unset: the server's default (`majority` on MongoDB 5+ replica sets). */
  MONGO_WRITE_CONCERN: MongoWriteConcern.optional(),
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
