import { Queue } from 'bullmq';
import { QUEUE_NAMES, type IngestJobData } from '@logstream/shared-types';
import { createApp } from './app';
import { createOperations } from './http/create-operations';
import { operationRoutes } from './http/operation-routes';
import { mountOperations } from './http/operations';
import { loadConfig } from './config';
import { createLogger } from './logger';
import { createRedis } from './redis';
import { routes } from './routes';
import { IngestService } from './services/ingest-service';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ name: 'ingestion-api', level: config.LOG_LEVEL, pretty: config.LOG_PRETTY });
  const redis = createRedis(config.REDIS_URL, 'requests');
  const queue = new Queue<IngestJobData>(QUEUE_NAMES.ingest, {
    connection: redis,
    prefix: config.QUEUE_PREFIX,
    defaultJobOptions: {
      attempts: config.JOB_ATTEMPTS,
      backoff: { type: 'exponential', delay: config.JOB_BACKOFF_MS },
      removeOnComplete: { count: 1000 },
      removeOnFail: false,
    },
  });
  const ingest = new IngestService(queue);
  const operations = createOperations({ config, redis, ingestQueue: queue, logger });
  const app = createApp({
    routes: [...routes({ redis, ingest }), ...operationRoutes(operations.routes)],
    logger,
    development: config.NODE_ENV === 'development',
    before: (expressApp) => mountOperations(expressApp, operations.mount),
  });
  const server = app.listen(config.PORT, config.HOST, () =>
    logger.info({ port: config.PORT, queue: QUEUE_NAMES.ingest, prefix: config.QUEUE_PREFIX }, 'ingestion API listening'),
  );

  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    server.close();
    await queue.close();
    await operations.close();
    await redis.quit();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`ingestion-api failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
