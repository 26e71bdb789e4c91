import { Redis } from 'ioredis';
import pino from 'pino';
import { AckStore, activeSpacesKey } from '@logstream/ack-store';
import { mongoUrlWithDb, resolveMongo, resolveRedis, uniqueName } from '@logstream/devstack';
import { LeaderLock } from '@logstream/runtime';
import { connectMongo, createModels, ensureIndexes } from '@logstream/storage';
import { ReplayWatcher } from '../services/replay-watcher';

/**
 * `npm run bench:watcher -- [--idle N] [--active N] [--passes N]`: the replay watcher's pass time with many idle
 * streams (10 000 by default) and a few active ones with open gaps, next to what one pass over every stream would
 * read. Prints a JSON object as its last line.
 */
async function main(): Promise<void> {
  const arg = (name: string, fallback: number) => {
    const index = process.argv.indexOf(`--${name}`);
    return index > 0 ? Number(process.argv[index + 1]) : fallback;
  };
  const idle = arg('idle', 10_000);
  const active = arg('active', 50);
  const passes = arg('passes', 20);
  const intervalMs = 1000;
  const log = (line: string) => process.stderr.write(`[bench:watcher] ${line}\n`);

  const redisService = await resolveRedis(process.env.REDIS_URL);
  const mongoService = await resolveMongo({ envUrl: process.env.MONGO_URL, log });
  const prefix = uniqueName('watcherbench');
  const redis = new Redis(redisService.url, { maxRetriesPerRequest: null });
  const connection = await connectMongo(mongoUrlWithDb(mongoService.url, prefix));
  const models = createModels(connection);
  await ensureIndexes(models);
  const ack = new AckStore(redis, { prefix });
  const seqs = (from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, i) => ({ seq: from + i, fingerprint: 'f' }));
  try {
    log(`seeding ${idle} idle streams (stored, nothing open) and ${active} active ones with a gap`);
    for (let start = 0; start < idle; start += 500) {
      await Promise.all(
        Array.from({ length: Math.min(500, idle - start) }, async (_, i) => {
          const space = `idle-${start + i}#s1`;
          await ack.receive(space, seqs(1, 10));
          await ack.persist(space, Array.from({ length: 10 }, (_, n) => n + 1));
        }),
      );
    }
    // Last changed an hour ago: past the idle time.
    const hourAgo = Date.now() - 3_600_000;
    for (let start = 0; start < idle; start += 1000) {
      const members = Array.from({ length: Math.min(1000, idle - start) }, (_, i) => [hourAgo, `idle-${start + i}#s1`]);
      await redis.zadd(activeSpacesKey(prefix), ...members.flat());
    }
    for (let i = 0; i < active; i++) {
      await ack.receive(`active-${i}#s1`, [...seqs(1, 10), ...seqs(20, 30)]);
      await ack.persist(`active-${i}#s1`, Array.from({ length: 10 }, (_, n) => n + 1));
    }

    const watcher = new ReplayWatcher(
      ack,
      models,
      new LeaderLock(redis, `${prefix}:replay-watcher`, intervalMs * 5),
      { replayAfterMs: 1_000, expireAfterMs: 600_000, intervalMs, idleAfterMs: 600_000 },
      pino({ level: 'silent' }),
    );
    const first = await watcher.tick();
    const times: number[] = [];
    for (let pass = 0; pass < passes; pass++) times.push((await watcher.tick()).durationMs);
    times.sort((a, b) => a - b);
    const quantile = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] as number;

    // For contrast: one read of every stream's state, the least a pass over every stream ever seen would cost.
    const everyStarted = performance.now();
    for (let start = 0; start < idle; start += 500)
      await Promise.all(
        Array.from({ length: Math.min(500, idle - start) }, (_, i) => ack.state(`idle-${start + i}#s1`)),
      );
    const everyStreamReadMs = performance.now() - everyStarted;

    const result = {
      idleStreams: idle,
      activeStreams: active,
      intervalMs,
      firstPass: { spaces: first.spaces, requested: first.requested, durationMs: Math.round(first.durationMs) },
      steadyPass: {
        passes,
        spaces: (await watcher.tick()).spaces,
        p50Ms: Math.round(quantile(0.5)),
        p95Ms: Math.round(quantile(0.95)),
        maxMs: Math.round(times[times.length - 1] as number),
      },
      everyStreamStateReadMs: Math.round(everyStreamReadMs),
      redis: redisService.source,
      mongo: mongoService.source,
    };
    await watcher.stop();
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    const keys = await redis.keys(`${prefix}:*`);
    for (let start = 0; start < keys.length; start += 1000) await redis.del(...keys.slice(start, start + 1000));
    await connection.dropDatabase();
    await connection.close();
    await redis.quit();
    await mongoService.stop();
    await redisService.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:watcher failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
