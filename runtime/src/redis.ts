import { Redis } from 'ioredis';

/**
 * What a connection is for. `blocking`: BullMQ workers and queue-event readers, which must wait through Redis outages
 * (BullMQ needs `maxRetriesPerRequest: null`). `requests`: connections on a request path, which fail fast so that
 * `/ready` and ingest answer promptly (a 503) when Redis is down.
 */
export type RedisPurpose = 'blocking' | 'requests';

/**
 * The one Redis connection factory of every LogStream process. Independent calls are sent without waiting for each
 * other (one connection, many commands in flight). ioredis' auto-pipelining stays off: with it, a pipeline cut short
 * (a MULTI from the rate limiter, a connection dropped mid-batch) made ioredis throw inside its own callback
 * ("results[i] is not iterable") and that killed the API process.
 */
export function createRedis(
  url: string,
  options: { service: string; purpose: RedisPurpose; onError?: (error: Error) => void },
): Redis {
  const blocking = options.purpose === 'blocking';
  const client = new Redis(url, {
    maxRetriesPerRequest: blocking ? null : 2,
    enableOfflineQueue: blocking,
    connectionName: `logstream-${options.service}-${options.purpose}`,
  });
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
