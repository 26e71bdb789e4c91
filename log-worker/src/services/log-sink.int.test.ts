import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Connection } from 'mongoose';
import pino from 'pino';
import { QUEUE_NAMES, type IngestJobData, type JobLog } from '@logstream/shared-types';
import { connectMongo, createModels, type Models } from '@logstream/storage';
import { testMongoUrl, testRedisUrl, uniqueName, waitFor } from '@logstream/devstack';
import { createIngestProcessor } from '../processors/ingest-processor';
import { LogWriter } from '../repositories/log-writer';
import { LogSink } from './log-sink';

function job(batchId: string, service: string, from: number, count: number): IngestJobData {
  const logs: JobLog[] = Array.from({ length: count }, (_, i) => ({
    id: `${service}@${from + i}`,
    service,
    seq: from + i,
    level: 'info',
    message: `m${from + i}`,
    ts: new Date().toISOString(),
  }));
  return { batchId, receivedAt: new Date().toISOString(), logs };
}

/** A real BullMQ worker feeding the sink, on the real Redis and MongoDB-wire server. */
describe('LogSink behind a BullMQ worker', () => {
  let prefix: string;
  let redis: Redis;
  let queue: Queue<IngestJobData>;
  let worker: Worker<IngestJobData>;
  let sink: LogSink;
  let connection: Connection;
  let models: Models;
  const flushes: { size: number; at: number }[] = [];

  beforeEach(async () => {
    prefix = uniqueName('sink');
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    connection = await connectMongo(testMongoUrl(), { dbName: prefix });
    models = createModels(connection);
    flushes.length = 0;
    sink = new LogSink(
      new LogWriter(models),
      {
        batchSize: 50,
        flushMs: 400,
        lanes: 2,
        flushTimeoutMs: 30_000,
        onFlushed: (result) =>
          void flushes.push({ size: result.inserted.length + result.duplicates.length, at: Date.now() }),
      },
      pino({ level: 'silent' }),
    );
    queue = new Queue(QUEUE_NAMES.ingest, { connection: redis, prefix });
    worker = new Worker(QUEUE_NAMES.ingest, createIngestProcessor(sink), {
      connection: redis,
      prefix,
      concurrency: 16,
    });
  });

  afterEach(async () => {
    await worker.close();
    await sink.close();
    await queue.obliterate({ force: true });
    await queue.close();
    await redis.quit();
    await connection.dropDatabase();
    await connection.close();
  });

  it('flushes full batches of 50 at once and the remainder after FLUSH_MS; jobs complete only after their write', async () => {
    const added = Date.now();
    const jobs = await Promise.all([
      queue.add('ingest', job('b1', 'sized', 1, 70)),
      queue.add('ingest', job('b2', 'sized', 71, 50)),
    ]);
    await waitFor(async () => (await queue.getCompletedCount()) === 2, 20_000, 'jobs did not complete');
    expect(flushes.map((f) => f.size).sort((a, b) => b - a)).toEqual([50, 50, 20]);
    const remainder = flushes.find((f) => f.size === 20);
    // The partial batch waited for the timer, the full ones did not.
    expect(remainder!.at - added).toBeGreaterThanOrEqual(400);
    expect(await models.Log.countDocuments({ service: 'sized' })).toBe(120);
    for (const j of jobs) {
      const done = await queue.getJob(j.id as string);
      expect(done?.finishedOn).toBeGreaterThanOrEqual(flushes[0]!.at);
    }
  });

  it('stores a re-delivered job once', async () => {
    await queue.add('ingest', job('b3', 'again', 1, 30));
    await queue.add('ingest', job('b3', 'again', 1, 30));
    await waitFor(async () => (await queue.getCompletedCount()) === 2, 20_000, 'jobs did not complete');
    expect(await models.Log.countDocuments({ service: 'again' })).toBe(30);
  });

  it('stores the logs of a job shared by several requests (group commit) under the batchId of each request', async () => {
    const shared = job('group-1', 'shared', 1, 4);
    shared.logs.forEach((log, index) => (log.batchId = index < 2 ? 'request-a' : 'request-b'));
    await queue.add('ingest', shared);
    await waitFor(async () => (await queue.getCompletedCount()) === 1, 20_000, 'job did not complete');
    const docs = await models.Log.find({ service: 'shared' }).sort({ seq: 1 }).lean();
    expect(docs.map((doc) => doc.batchId)).toEqual(['request-a', 'request-a', 'request-b', 'request-b']);
  });
});
