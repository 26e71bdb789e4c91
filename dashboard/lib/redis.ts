import { Redis } from 'ioredis';
import { config } from './config';

// One connection per server process; kept on globalThis so dev-mode module reloads do not open more.
const holder = globalThis as typeof globalThis & { __logstreamDashboardRedis?: Redis };

/** The process's Redis connection (failed-login counters). */
export function redis(): Redis {
  holder.__logstreamDashboardRedis ??= new Redis(config().redisUrl, {
    connectionName: 'logstream-dashboard',
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
  });
  return holder.__logstreamDashboardRedis;
}
