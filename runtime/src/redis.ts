import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { RedisTarget } from '@logstream/shared-types';

/** A connection from {@link createRedis}: one server, or a Redis Cluster (same commands, routed by key slot). */
export type RedisClient = Redis | Cluster;

/**
 * What a connection is for. `blocking`: BullMQ workers and queue-event readers, which must wait through Redis outages
 * (BullMQ needs `maxRetriesPerRequest: null`). `requests`: connections on a request path, which fail fast so that
 * `/ready` and ingest answer promptly (a 503) when Redis is down. `pages`: a web server's connection made on its first
 * use (the dashboard): commands sent before it is up, or during a reconnect, wait for it, and are retried once.
 */
export type RedisPurpose = 'blocking' | 'requests' | 'pages';

/** Options of {@link createRedis}. */
export interface CreateRedisOptions {
  /** The service's name, in the connection name Redis shows (`CLIENT LIST`). */
  service: string;
  purpose: RedisPurpose;
  /** Connection errors, at most one every 5 s (ioredis reconnects by itself). */
  onError?: (error: Error) => void;
}

/**
 * The one Redis connection factory of every LogStream process: a plain connection for `{ url }`, an ioredis Cluster for
 * `{ cluster }` (REDIS_CLUSTER_NODES). Independent calls are sent without waiting for each other (one connection, many
 * commands in flight). ioredis' auto-pipelining stays off: with it, a pipeline cut short (a MULTI from the rate
 * limiter, a connection dropped mid-batch) made ioredis throw inside its own callback ("results[i] is not iterable")
 * and that killed the API process.
 *
 * On a cluster, every script and MULTI a caller sends must touch keys of one hash slot (the key builders give them one
 * hash tag); reads go to masters, so a value just written is read back. During a failover, commands to the lost master
 * are retried while the cluster elects a replica (`retryDelayOnFailover` × `maxRedirections`, about 3 s), then fail;
 * `blocking` connections wait as long as it takes.
 */
export function createRedis(target: RedisTarget, options: CreateRedisOptions): RedisClient {
  const blocking = options.purpose === 'blocking';
  const connectionName = `logstream-${options.service}-${options.purpose}`;
  const pages = options.purpose === 'pages';
  const nodeOptions: RedisOptions = {
    maxRetriesPerRequest: blocking ? null : pages ? 1 : 2,
    enableOfflineQueue: blocking || pages,
    connectionName,
  };
  const client =
    'cluster' in target
      ? new Cluster(target.cluster, {
          redisOptions: nodeOptions,
          // Commands sent while the slot map is (re)loaded wait for it: at start, and after a failover moved slots.
          enableOfflineQueue: true,
          scaleReads: 'master',
          retryDelayOnFailover: 200,
          retryDelayOnClusterDown: 200,
          retryDelayOnTryAgain: 200,
          maxRedirections: 16,
          slotsRefreshTimeout: 2_000,
        })
      : new Redis(target.url, nodeOptions);
  // Connection errors while Redis restarts are expected: ioredis reconnects by itself, and the commands that failed
  // report them to their callers. Without a listener ioredis would print each one as an unhandled error event.
  let lastReportAt = 0;
  client.on('error', (error: Error) => {
    if (Date.now() - lastReportAt < 5_000) return;
    lastReportAt = Date.now();
    options.onError?.(error);
  });
  return client;
}

/** Whether a connection is a Redis Cluster. */
export function isCluster(client: RedisClient): client is Cluster {
  return client instanceof Cluster;
}

/** The masters of a connection: its cluster's master nodes, or the one server. For per-node commands (INFO, SCAN). */
export function masterNodes(client: RedisClient): Redis[] {
  return isCluster(client) ? client.nodes('master') : [client];
}

/**
 * Resolves once a connection is ready. `requests` connections refuse commands while they connect (no offline queue),
 * so a process waits here before its first command at start; with `timeoutMs`, rejects when Redis does not answer.
 */
export function redisReady(client: RedisClient, timeoutMs?: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => reject(new Error(`Redis did not answer within ${timeoutMs} ms`)), timeoutMs);
    client.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
