import type { RedisClient } from '@logstream/runtime';
import { AppError } from '../errors';
import type { Handler } from '../http/types';

/** `GET /health`: the process is up. */
export const healthHandler: Handler = async () => ({
  status: 200,
  body: { status: 'ok', uptimeSeconds: Math.round(process.uptime()) },
});

/** `GET /ready`: Redis answers, so ingest can enqueue. */
export function readyHandler(redis: RedisClient): Handler {
  return async () => {
    try {
      await redis.ping();
    } catch (error) {
      throw new AppError('unavailable', 'redis is not reachable', undefined, { cause: error });
    }
    return { status: 200, body: { status: 'ready', redis: 'ok' } };
  };
}
