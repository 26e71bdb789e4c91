import { createRedis, type RedisClient } from '@logstream/runtime';
import { config } from './config';

// One connection per server process; kept on globalThis so dev-mode module reloads do not open more.
const holder = globalThis as typeof globalThis & { __logstreamDashboardRedis?: RedisClient };

/** The process's Redis connection (sessions, failed-login counters): one server, or the cluster. */
export function redis(): RedisClient {
  holder.__logstreamDashboardRedis ??= createRedis(config().redis, {
    service: 'dashboard',
    purpose: 'pages',
  });
  return holder.__logstreamDashboardRedis;
}
