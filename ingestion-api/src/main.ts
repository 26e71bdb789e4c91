import { Queue } from 'bullmq';
import { AckStore } from '@logstream/ack-store';
import { connectMongo, createModels, type Models } from '@logstream/storage';
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
import { ReplayService } from './services/replay-service';

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
  const ack = new AckStore(redis, { prefix: config.QUEUE_PREFIX });
  const ingest = new IngestService(queue, ack);
  // Connected in the background: ingest never waits for MongoDB; the replay routes answer 503 until it is there.
  const mongo = connectMongo(config.MONGO_URL);
  mongo.catch((error: unknown) => logger.error({ err: error }, 'MongoDB unreachable; /replays answers 503'));
  let models: Promise<Models> | undefined;
  const replays = new ReplayService(() => (models ??= mongo.then(createModels)), ack);
  const operations = createOperations({ config, redis, ingestQueue: queue, logger });
  const app = createApp({
    routes: [...routes({ redis, ingest, replays }), ...operationRoutes(operations.routes)],
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
    await mongo.then((connection) => connection.close()).catch(() => undefined);
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`ingestion-api failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
