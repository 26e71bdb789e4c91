import { Queue } from 'bullmq';
import type { IngestQueues, RedisClient } from '@logstream/runtime';
import type { Logger } from 'pino';
import type { DeadLetterJobData } from '@logstream/shared-types';
import type { Models } from '@logstream/storage';
import { ApiKeyStore } from '../auth/api-key-store';
import { KeyAuthenticator } from '../auth/key-authenticator';
import type { ApiConfig } from '../config';
import { ApiMetrics } from '../metrics/api-metrics';
import { IngestRateLimiter } from '../rate-limit/ingest-rate-limiter';
import { DeadLetterService } from '../services/dead-letter-service';
import type { OperationRoutesDeps } from './operation-routes';
import type { OperationsDeps } from './operations';

/** The operational parts of the API (keys, rate limits, metrics, board, dead letters), wired from the config. */
export interface Operations {
  /** For `mountOperations`. */
  mount: OperationsDeps;
  /** For `operationRoutes`. */
  routes: OperationRoutesDeps;
  /** Closes the dead-letter queue handle. */
  close: () => Promise<void>;
}

/** Builds the operational parts on the process's Redis connection and ingest queue. */
export function createOperations(options: {
  config: ApiConfig;
  redis: RedisClient;
  ingestQueues: IngestQueues;
  /** The process's MongoDB models (API keys are stored there), resolved on first use. */
  models: () => Promise<Pick<Models, 'ApiKey'>>;
  logger: Logger;
  /** Process metrics (CPU, memory, event loop); default true. Tests building several apps turn them off. */
  defaultMetrics?: boolean;
}): Operations {
  const { config, redis, ingestQueues, logger } = options;
  const deadLetterQueue = new Queue<DeadLetterJobData>(ingestQueues.layout.deadLetter, {
    connection: redis,
    prefix: config.QUEUE_PREFIX,
  });
  const keys = new ApiKeyStore(options.models, redis, config.QUEUE_PREFIX);
  const authenticator = new KeyAuthenticator(keys, {
    adminKey: config.ADMIN_KEY,
    cacheMs: config.AUTH_CACHE_MS,
  });
  const limiter =
    config.RATE_LIMIT_PER_SEC > 0
      ? new IngestRateLimiter(redis, {
          perSecond: config.RATE_LIMIT_PER_SEC,
          burst: config.RATE_LIMIT_BURST,
          keyPrefix: config.QUEUE_PREFIX,
        })
      : undefined;
  const metrics = new ApiMetrics({
    queues: [...ingestQueues.all, deadLetterQueue],
    logger: logger.child({ module: 'metrics' }),
    defaultMetrics: options.defaultMetrics,
  });
  return {
    mount: {
      logger,
      metrics,
      authenticator,
      limiter,
      authRequired: config.AUTH_REQUIRED,
      adminKeySet: config.ADMIN_KEY !== undefined,
      dashboardOrigin: config.DASHBOARD_ORIGIN,
      queues: { ingest: ingestQueues.all, deadLetter: deadLetterQueue },
    },
    routes: { keys, authenticator, deadLetters: new DeadLetterService(ingestQueues, deadLetterQueue) },
    close: () => deadLetterQueue.close(),
  };
}
