import { AckStore, FaultStore, PipelineCounters } from '@logstream/ack-store';
import { createLogger, createRedis, IngestQueues, LeaderLock, redisReady } from '@logstream/runtime';
import { queueLayout, redisTargetOf, SOCKET_CHANNEL } from '@logstream/shared-types';
import { connectMongo, createModels, type Models } from '@logstream/storage';
import { createServer } from 'node:http';
import { createApp, TRUST_PROXY } from './app';
import { loadConfig } from './config';
import { createOperations } from './http/create-operations';
import { ingestFastPath } from './http/ingest-fast-path';
import { operationRoutes } from './http/operation-routes';
import { allowedOrigins, mountOperations, routeGuard } from './http/operations';
import { Announcer } from './realtime/announcer';
import { socketAuth } from './realtime/socket-auth';
import { createSocketServer } from './realtime/socket-server';
import { ingestRouteOf, routes } from './routes';
import { FaultService } from './services/fault-service';
import { IngestService } from './services/ingest-service';
import { MetricsHistory } from './services/metrics-history';
import { PipelineMonitor } from './services/pipeline-monitor';
import { ReplayService } from './services/replay-service';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ name: 'ingestion-api', level: config.LOG_LEVEL, pretty: config.LOG_PRETTY });
  const redisError = (error: Error) => logger.warn({ err: error }, 'Redis connection error; reconnecting');
  const target = redisTargetOf(config);
  const redis = createRedis(target, { service: 'api', purpose: 'requests', onError: redisError });
  const layout = queueLayout({ partitions: config.QUEUE_PARTITIONS, cluster: 'cluster' in target });
  const queues = new IngestQueues({
    layout,
    connection: redis,
    prefix: config.QUEUE_PREFIX,
    defaultJobOptions: {
      attempts: config.JOB_ATTEMPTS,
      backoff: { type: 'exponential', delay: config.JOB_BACKOFF_MS },
      // Redis stays bounded: completed jobs briefly (the worker drops their payload), failed ones by age and count.
      removeOnComplete: { age: config.JOB_KEEP_COMPLETED_S, count: config.JOB_KEEP_COMPLETED },
      removeOnFail: { age: config.JOB_KEEP_FAILED_S, count: config.JOB_KEEP_FAILED },
    },
  });
  const ack = new AckStore(redis, {
    prefix: config.QUEUE_PREFIX,
    stateTtlMs: config.STREAM_STATE_TTL_MS,
    partitions: layout.ingest.length,
    partitionOf: layout.partitionOfSpace,
  });
  const faultStore = new FaultStore(redis, config.QUEUE_PREFIX, config.ENABLE_FAULTS);
  const ingest = new IngestService(queues, ack, {
    maxLogs: config.GROUP_COMMIT_MAX_LOGS,
    maxRequests: config.GROUP_COMMIT_MAX_REQUESTS,
    maxInFlight: config.GROUP_COMMIT_IN_FLIGHT,
  });
  const faults = new FaultService(faultStore, queues, config.ENABLE_FAULTS);
  const monitor = new PipelineMonitor(
    queues,
    faultStore,
    new PipelineCounters(redis, config.QUEUE_PREFIX),
    { highWaterMark: config.HIGH_WATER_MARK, lowWaterMark: config.LOW_WATER_MARK, refreshMs: 500 },
    logger.child({ module: 'monitor' }),
  );
  await redisReady(redis);
  await monitor.start();
  const history = new MetricsHistory(redis, config.QUEUE_PREFIX, config.METRICS_HISTORY_SIZE);

  // Connected in the background: ingest never waits for MongoDB (API keys are read from the Redis cache first); the
  // replay and key routes answer 503 until it is there.
  const mongo = connectMongo(config.MONGO_URL, { writeConcern: config.MONGO_WRITE_CONCERN });
  mongo.catch((error: unknown) => logger.error({ err: error }, 'MongoDB unreachable; /replays answers 503'));
  let models: Promise<Models> | undefined;
  const getModels = () => (models ??= mongo.then(createModels));
  // The announcer needs the HTTP server, which needs the routes: they reach it through this holder.
  const realtime: { announcer?: Announcer } = {};
  const replays = new ReplayService(getModels, ack, (replay) => realtime.announcer?.replayRequested(replay));

  const operations = createOperations({ config, redis, ingestQueues: queues, models: getModels, logger });
  operations.routes.keys
    .importLegacy()
    .then(
      (count) =>
        count > 0 && logger.info({ count }, 'API keys kept in Redis by an earlier version copied to MongoDB'),
    )
    .catch((error: unknown) => logger.error({ err: error }, 'could not copy earlier API keys to MongoDB'));
  const routeTable = [
    ...routes({ redis, ingest, replays, faults, monitor, history, announcer: () => realtime.announcer }),
    ...operationRoutes(operations.routes),
  ];
  const development = config.NODE_ENV === 'development';
  const app = createApp({
    routes: routeTable,
    logger,
    development,
    before: (expressApp) => mountOperations(expressApp, operations.mount),
    guard: routeGuard(operations.mount),
  });
  const fastIngest = ingestFastPath({
    ...operations.mount,
    handler: ingestRouteOf(routeTable).handler,
    development,
    trustProxy: TRUST_PROXY,
  });
  const server = createServer((req, res) => {
    if (!fastIngest(req, res)) app(req, res);
  });
  server.listen(config.PORT, config.HOST, () =>
    logger.info(
      {
        port: config.PORT,
        queues: layout.ingest,
        prefix: config.QUEUE_PREFIX,
        redis: 'cluster' in target ? 'cluster' : 'single',
        faults: config.ENABLE_FAULTS,
      },
      'ingestion API listening',
    ),
  );
  const pub = createRedis(target, { service: 'api', purpose: 'blocking', onError: redisError });
  const sub = createRedis(target, { service: 'api', purpose: 'blocking', onError: redisError });
  const io = createSocketServer({
    server,
    pub,
    sub,
    channel: `${config.QUEUE_PREFIX}:${SOCKET_CHANNEL}`,
    origins: allowedOrigins(config.DASHBOARD_ORIGIN),
    logger: logger.child({ module: 'socket' }),
    authenticate: socketAuth({
      authenticator: operations.mount.authenticator,
      authRequired: config.AUTH_REQUIRED,
      liveTokenSecret: config.LIVE_TOKEN_SECRET,
      logger: logger.child({ module: 'socket-auth' }),
    }),
  });
  const announcer = new Announcer(
    io,
    monitor,
    new LeaderLock(redis, `${config.QUEUE_PREFIX}:announcer`, 6_000),
    logger.child({ module: 'announcer' }),
    history,
  );
  realtime.announcer = announcer;
  announcer.start(2000, config.ACK_ANNOUNCE_MS);

  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    await announcer.stop();
    await new Promise<void>((resolve) => io.close(() => resolve()));
    await monitor.close();
    await queues.close();
    await operations.close();
    await Promise.all([redis, pub, sub].map((client) => client.quit().catch(() => undefined)));
    await mongo.then((connection) => connection.close()).catch(() => undefined);
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `ingestion-api failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
