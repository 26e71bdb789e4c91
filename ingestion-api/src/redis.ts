import { Redis } from 'ioredis';

/**
 * The process's Redis connection factory. BullMQ needs `maxRetriesPerRequest: null` on blocking connections;
 * request-path connections fail fast instead so that `/ready` and ingest answer promptly when Redis is down.
 */
export function createRedis(url: string, purpose: 'blocking' | 'requests'): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: purpose === 'blocking' ? null : 2,
    enableOfflineQueue: purpose === 'blocking',
    connectionName: `logstream-api-${purpose}`,
  });
}
