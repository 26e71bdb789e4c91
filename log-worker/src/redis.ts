import { Redis } from 'ioredis';

/** The process's Redis connection factory; BullMQ workers need `maxRetriesPerRequest: null`. */
export function createRedis(url: string, name: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, connectionName: `logstream-worker-${name}` });
}
