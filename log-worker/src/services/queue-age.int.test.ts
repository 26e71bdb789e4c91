import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { testRedisUrl, uniqueName } from '@logstream/devstack';
import { oldestPendingJob } from './queue-age';

describe('oldestPendingJob on a real BullMQ queue', () => {
  let redis: Redis;
  let queue: Queue;

  beforeEach(() => {
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    queue = new Queue('logs-ingest', { connection: redis, prefix: uniqueName('age') });
  });
  afterEach(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    await redis.quit();
  });

  it('answers undefined for an empty queue', async () => {
    expect(await oldestPendingJob(redis, queue)()).toBeUndefined();
  });

  it('sees every pending job, not a window of the newest: a retrying job deep behind hundreds of others', async () => {
    const base = Date.now() - 60_000;
    // A job that failed and waits for its retry (delayed) was created first; 500 newer jobs wait.
    await queue.add('ingest', { n: 0 }, { timestamp: base, delay: 120_000 });
    await queue.addBulk(
      Array.from({ length: 500 }, (_, i) => ({
        name: 'ingest',
        data: { n: i + 1 },
        opts: { timestamp: base + 1000 + i },
      })),
    );
    expect(await oldestPendingJob(redis, queue)()).toBe(base);
    // Without it, the oldest waiting job answers, however many are behind it.
    await queue.remove((await queue.getDelayed())[0]?.id as string);
    expect(await oldestPendingJob(redis, queue)()).toBe(base + 1000);
  });
});
