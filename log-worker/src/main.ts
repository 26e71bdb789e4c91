import { Queue, Worker } from 'bullmq';
import { AckStore, FaultStore } from '@logstream/ack-store';
import { createLogger, createRedis, LeaderLock } from '@logstream/runtime';
import {
  QUEUE_NAMES,
  SOCKET_CHANNEL,
  type DeadLetterJobData,
  type IngestJobData,
} from '@logstream/shared-types';
import { connectMongo, createModels, ensureIndexes } from '@logstream/storage';
import { loadConfig } from './config';
import { startHealthServer } from './health-server';
import { WorkerMetrics } from './metrics/worker-metrics';
import { createIngestProcessor } from './processors/ingest-processor';
import { LivePublisher } from './realtime/live-publisher';
import { LogWriter } from './repositories/log-writer';
import { RetentionRepo } from './repositories/retention-repo';
import { DeadLetters } from './services/dead-letters';
import { trimCompletedPayloads } from './services/job-trimmer';
import { RetentionSweeper } from './services/retention-sweeper';
import { FaultWatcher } from './services/fault-watcher';
import { recordPersisted } from './services/ack-recorder';
import { LogSink } from './services/log-sink';
import { oldestPendingJob } from './services/queue-age';
import { ReplayWatcher } from './services/replay-watcher';
import { RollupCompactor } from './services/rollup-compactor';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ name: 'log-worker', level: config.LOG_LEVEL, pretty: config.LOG_PRETTY });
  const redisError = (error: Error) => logger.warn({ err: error }, 'Redis connection error; reconnecting');
  const mongo = await connectMongo(config.MONGO_URL, { monitorCommands: true });
  const metrics = new WorkerMetrics();
  metrics.watchMongo(mongo);
  const models = createModels(mongo);
  await ensureIndexes(models);
  const redis = createRedis(config.REDIS_URL, { service: 'worker', purpose: 'blocking', onError: redisError });
  const ack = new AckStore(redis, { prefix: config.QUEUE_PREFIX, stateTtlMs: config.STREAM_STATE_TTL_MS });
  const live = new LivePublisher(redis, `${config.QUEUE_PREFIX}:${SOCKET_CHANNEL}`, config.LIVE_MAX_PER_SEC);

  const sink = new LogSink(
    new LogWriter(models),
    {
      batchSize: config.BATCH_SIZE,
      flushMs: config.FLUSH_MS,
      lanes: config.FLUSH_LANES,
      onFlushed: async (result, durationMs, items) => {
        await recordPersisted(ack, result);
        metrics.observeFlush(result, durationMs, items);
        live.logs(result.inserted);
      },
    },
    logger.child({ module: 'sink' }),
  );
  const worker = new Worker<IngestJobData>(QUEUE_NAMES.ingest, createIngestProcessor(sink), {
    connection: redis,
    prefix: config.QUEUE_PREFIX,
    concurrency: config.CONCURRENCY,
    lockDuration: config.LOCK_DURATION_MS,
    stalledInterval: config.STALLED_INTERVAL_MS,
    maxStalledCount: config.MAX_STALLED_COUNT,
  });
  worker.on('failed', (job, error) =>
    logger.warn({ jobId: job?.id, attempts: job?.attemptsMade, err: error }, 'job failed'),
  );
  worker.on('error', (error) => logger.error({ err: error }, 'worker error'));
  const ingestQueue = new Queue<IngestJobData>(QUEUE_NAMES.ingest, {
    connection: redis,
    prefix: config.QUEUE_PREFIX,
  });
  const deadLetterQueue = new Queue<DeadLetterJobData>(QUEUE_NAMES.deadLetter, {
    connection: redis,
    prefix: config.QUEUE_PREFIX,
  });
  const deadLetters = new DeadLetters(
    models,
    deadLetterQueue,
    logger.child({ module: 'dead-letters' }),
    metrics,
  );
  deadLetters.attach(worker);
  trimCompletedPayloads(worker, logger.child({ module: 'job-trimmer' }));
  const retention = new RetentionSweeper(
    new RetentionRepo(models),
    models,
    deadLetterQueue,
    new LeaderLock(redis, `${config.QUEUE_PREFIX}:retention-sweeper`, 30_000),
    {
      defaultDays: config.RETENTION_DAYS,
      intervalMs: config.RETENTION_SWEEP_MS,
      batchSize: config.RETENTION_BATCH_SIZE,
      batchPauseMs: config.RETENTION_BATCH_PAUSE_MS,
      maxBatchesPerSweep: config.RETENTION_MAX_BATCHES,
      deadLetterRedisMs: config.DEAD_LETTER_REDIS_MS,
    },
    logger.child({ module: 'retention' }),
  );
  await retention.start();
  metrics.watchWorker(worker, () => sink.buffered);
  const watcher = new ReplayWatcher(
    ack,
    models,
    new LeaderLock(redis, `${config.QUEUE_PREFIX}:replay-watcher`, config.REPLAY_INTERVAL_MS * 5),
    {
      replayAfterMs: config.REPLAY_AFTER_MS,
      expireAfterMs: config.REPLAY_EXPIRE_MS,
      intervalMs: config.REPLAY_INTERVAL_MS,
      idleAfterMs: config.STREAM_IDLE_MS,
      oldestPendingJobAt: oldestPendingJob(redis, ingestQueue),
      onRequested: (replay) => {
        metrics.replays.inc();
        live.replayRequested(replay);
      },
      onCompleted: (replay) => live.replayCompleted(replay),
    },
    logger.child({ module: 'replay-watcher' }),
  );
  watcher.start();
  const faults = new FaultWatcher(
    worker,
    new FaultStore(redis, config.QUEUE_PREFIX, config.ENABLE_FAULTS),
    {
      onCrashed: (until) => live.workerCrashed(until, 'injected crash-worker fault'),
      onRecovered: () => live.workerRecovered(),
    },
    logger.child({ module: 'faults' }),
  );
  faults.start();
  const compactor = new RollupCompactor(
    models,
    {
      intervalMs: config.ROLLUP_COMPACT_INTERVAL_MS,
      revisitHours: config.ROLLUP_REVISIT_HOURS,
      settleMs: config.REPLAY_EXPIRE_MS,
    },
    logger.child({ module: 'rollup-compactor' }),
  );
  compactor.start();

  const health = await startHealthServer({
    port: config.HEALTH_PORT,
    host: config.HEALTH_HOST,
    logger: logger.child({ module: 'health' }),
    checks: {
      redis: async () => void (await redis.ping()),
      mongo: async () => void (await mongo.db?.admin().ping()),
    },
    metrics: () => metrics.render(),
  });
  logger.info(
    {
      db: mongo.name,
      batchSize: config.BATCH_SIZE,
      flushMs: config.FLUSH_MS,
      lanes: config.FLUSH_LANES,
      health: health.address(),
    },
    'log worker running',
  );

  const shutdown = async (signal: string) => {
    logger.info({ signal, timeoutMs: config.SHUTDOWN_TIMEOUT_MS }, 'shutting down: finishing active jobs and flushing');
    // A database that does not answer must not keep the process alive: unfinished jobs return to the queue when their
    // locks lapse, and another worker stores them.
    setTimeout(() => {
      logger.warn({ timeoutMs: config.SHUTDOWN_TIMEOUT_MS }, 'shutdown timed out; exiting with jobs unfinished');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS).unref();
    faults.stop();
    await retention.stop();
    await compactor.stop();
    await watcher.stop();
    await worker.close();
    await sink.close();
    await deadLetters.drain();
    await deadLetterQueue.close();
    await ingestQueue.close();
    health.close();
    await mongo.close();
    await redis.quit();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `log-worker failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
