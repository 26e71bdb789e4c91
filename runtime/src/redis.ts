import { Redis } from 'ioredis';

/**
 * What a connection is for. `blocking`: BullMQ workers and queue-event readers, which must wait through Redis outages
 * (BullMQ needs `maxRetriesPerRequest: null`). `requests`: connections on a request path, which fail fast so that
 * `/ready` and ingest answer promptly (a 503) when Redis is down.
 */
export type RedisPurpose = 'blocking' | 'requests';

/**
 * The one Redis connection factory of every LogStream process. On request-path connections, commands issued in the
 * same tick travel in one pipeline (auto-pipelining), so independent calls cost one round trip; blocking connections
 * keep plain request/reply for BullMQ.
 */
export function createRedis(url: string, options: { service: string; purpose: RedisPurpose }): Redis {
  const blocking = options.purpose === 'blocking';
  return new Redis(url, {
    maxRetriesPerRequest: blocking ? null : 2,
    enableOfflineQueue: blocking,
    enableAutoPipelining: !blocking,
    connectionName: `logstream-${options.service}-${options.purpose}`,
  });
}
