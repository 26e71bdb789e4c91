import { Queue, Worker } from 'bullmq';
import { AckStore, FaultStore, PipelineCounters } from '@logstream/ack-store';
import {
  createLogger,
  createRedis,
  IngestQueues,
  LeaderLock,
  PeriodicTask,
  SharedMutex,
} from '@logstream/runtime';
import {
  queueLayout,
  redisTargetOf,
  SOCKET_CHANNEL,
  type DeadLetterJobData,
  type IngestJobData,
} from '@logstream/shared-types';
import { connectMongo, createModels, ensureIndexes, updatesAreAtomic } from '@logstream/storage';
import { loadConfig } from './config';
import { startHealthServer } from './health-server';
import { WorkerMetrics } from './metrics/worker-metrics';
import { createIngestProcessor } from './processors/ingest-processor';
import { HeldLogsBudget } from './services/held-logs-budget';
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
  const mongo = await connectMongo(config.MONGO_URL, {
    monitorCommands: true,
    operationTimeoutMS: config.MONGO_OP_TIMEOUT_MS,
    writeConcern: config.MONGO_WRITE_CONCERN,
  });
  const metrics = new WorkerMetrics();
  metrics.watchMongo(mongo);
  const models = createModels(mongo);
  await ensureIndexes(models);
  const target = redisTargetOf(config);
  const redis = createRedis(target, { service: 'worker', purpose: 'blocking', onError: redisError });
  const layout = queueLayout({ partitions: config.QUEUE_PARTITIONS, cluster: 'cluster' in target });
  const ack = new AckStore(redis, {
    prefix: config.QUEUE_PREFIX,
    stateTtlMs: config.STREAM_STATE_TTL_MS,
    partitions: layout.ingest.length,
    partitionOf: layout.partitionOfSpace,
  });
  const counters = new PipelineCounters(redis, config.QUEUE_PREFIX);
  counters.start();
  const live = new LivePublisher(redis, `${config.QUEUE_PREFIX}:${SOCKET_CHANNEL}`, config.LIVE_MAX_PER_SEC);
  // On a database that updates documents without isolation (FerretDB), the workers take turns at the rollups. A
  // holder that dies keeps the lock for 30 s: statements it sent to a database that was frozen at the time may
  // still run once it thaws, and must not meet another worker's.
  const atomicUpdates = await updatesAreAtomic(mongo);
  const rollupMutex = atomicUpdates
    ? undefined
    : new SharedMutex(redis, `${config.QUEUE_PREFIX}:rollup-writes`, { holdMs: 30_000, waitMs: 60_000 });

  const writer = new LogWriter(models, { rollupDelayMs: config.ROLLUP_DELAY_MS, rollupMutex });
  const sink = new LogSink(
    writer,
    {
      batchSize: config.BATCH_SIZE,
      flushMs: config.FLUSH_MS,
      lanes: config.FLUSH_LANES,
      flushTimeoutMs: config.FLUSH_TIMEOUT_MS,
      onFlushed: async (result, durationMs, items) => {
        await recordPersisted(ack, result);
        metrics.observeFlush(result, durationMs, items);
        live.logs(result.inserted);
      },
    },
    logger.child({ module: 'sink' }),
  );
  // One BullMQ worker per ingest queue, sharing the process's job budget (CONCURRENCY, MAX_HELD_LOGS) and its buffer.
  const jobsPerQueue = Math.max(1, Math.ceil(config.CONCURRENCY / layout.ingest.length));
  const held: { budget?: HeldLogsBudget } = {};
  const processor = createIngestProcessor(sink, (logs) => held.budget?.observe(logs));
  const workers = layout.ingest.map(
    (name) =>
      new Worker<IngestJobData>(name, processor, {
        connection: redis,
        prefix: config.QUEUE_PREFIX,
        concurrency: jobsPerQueue,
        lockDuration: config.LOCK_DURATION_MS,
        stalledInterval: config.STALLED_INTERVAL_MS,
        maxStalledCount: config.MAX_STALLED_COUNT,
      }),
  );
  held.budget = new HeldLogsBudget(workers, {
    maxHeldLogs: config.MAX_HELD_LOGS,
    maxJobsPerQueue: jobsPerQueue,
  });
  for (const worker of workers) {
    worker.on('failed', (job, error) =>
      logger.warn({ jobId: job?.id, attempts: job?.attemptsMade, err: error }, 'job failed'),
    );
    worker.on('error', (error) => logger.error({ err: error }, 'worker error'));
    // Shared rates (the APIs' /stats/snapshot and Retry-After): jobs completed, logs stored, ingest → stored latency.
    worker.on('completed', (_job, result: { stored?: number; e2eMs?: number } | undefined) => {
      counters.add('completedJobs');
      counters.add('storedLogs', result?.stored ?? 0);
      if (typeof result?.e2eMs === 'number') counters.addLatency(result.e2eMs);
    });
  }
  const ingestQueues = new IngestQueues({ layout, connection: redis, prefix: config.QUEUE_PREFIX });
  const deadLetterQueue = new Queue<DeadLetterJobData>(layout.deadLetter, {
    connection: redis,
    prefix: config.QUEUE_PREFIX,
  });
  const deadLetters = new DeadLetters(
    models,
    deadLetterQueue,
    logger.child({ module: 'dead-letters' }),
    metrics,
  );
  for (const worker of workers) {
    deadLetters.attach(worker);
    trimCompletedPayloads(worker, logger.child({ module: 'job-trimmer' }));
    metrics.watchWorker(worker, () => sink.buffered);
  }
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
  // One replay watcher per ingest queue, each under its own leader lock: the partitions' work spreads over the workers.
  const watchers = ingestQueues.all.map(
    (queue, partition) =>
      new ReplayWatcher(
        ack,
        models,
        new LeaderLock(
          redis,
          `${config.QUEUE_PREFIX}:replay-watcher${partition === 0 ? '' : `:${partition}`}`,
          config.REPLAY_INTERVAL_MS * 5,
        ),
        {
          partition,
          replayAfterMs: config.REPLAY_AFTER_MS,
          expireAfterMs: config.REPLAY_EXPIRE_MS,
          intervalMs: config.REPLAY_INTERVAL_MS,
          idleAfterMs: config.STREAM_IDLE_MS,
          oldestPendingJobAt: oldestPendingJob(redis, queue),
          onRequested: (replay) => {
            metrics.replays.inc();
            live.replayRequested(replay);
          },
          onCompleted: (replay) => live.replayCompleted(replay),
        },
        logger.child({ module: 'replay-watcher', partition }),
      ),
  );
  for (const watcher of watchers) watcher.start();
  const faults = new FaultWatcher(
    workers,
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
      rollupMutex,
    },
    logger.child({ module: 'rollup-compactor' }),
  );
  compactor.start();
  // Flushes of workers that died between their insert and their increments, whose logs never came back.
  const staleFlushes = new PeriodicTask(
    () => writer.recoverStaleFlushes(config.STALE_FLUSH_AFTER_MS),
    config.STALE_FLUSH_CHECK_MS,
    (error) => logger.warn({ err: error }, 'counting stale flushes failed'),
  );
  staleFlushes.start();

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
      rollupDelayMs: config.ROLLUP_DELAY_MS,
      rollupWrites: atomicUpdates ? 'concurrent' : 'one worker at a time',
      queues: layout.ingest,
      redis: 'cluster' in target ? 'cluster' : 'single',
      health: health.address(),
    },
    'log worker running',
  );

  const shutdown = async (signal: string) => {
    logger.info(
      { signal, timeoutMs: config.SHUTDOWN_TIMEOUT_MS },
      'shutting down: finishing active jobs and flushing',
    );
    // A database that does not answer must not keep the process alive: unfinished jobs return to the queue when their
    // locks lapse, and another worker stores them.
    setTimeout(() => {
      logger.warn(
        { timeoutMs: config.SHUTDOWN_TIMEOUT_MS },
        'shutdown timed out; exiting with jobs unfinished',
      );
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS).unref();
    faults.stop();
    await retention.stop();
    await compactor.stop();
    await staleFlushes.stop();
    await Promise.all(watchers.map((watcher) => watcher.stop()));
    await Promise.all(workers.map((worker) => worker.close()));
    await sink.close();
    await deadLetters.drain();
    await deadLetterQueue.close();
    await ingestQueues.close();
    await counters.stop();
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
