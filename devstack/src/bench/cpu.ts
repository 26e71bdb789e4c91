import fs from 'node:fs';
import { Redis } from 'ioredis';
import { round } from './load';

/** CPU and Redis work per request of one load run (NaN where the figure cannot be read, e.g. no /proc). */
export interface CpuPerRequest {
  /** CPU of the server process (all its threads), in ms. */
  serverMs: number;
  /** CPU of the Redis server, in ms (INFO cpu: it may serve others too). */
  redisMs: number;
  /** CPU of the load generator (this process), in ms. */
  loadGeneratorMs: number;
  /** Commands Redis ran, the calls inside Lua scripts included (INFO commandstats). */
  redisCommands: number;
}

/** What to watch during a load run: the server's process and the Redis it talks to. */
export interface CpuWatch {
  serverPid: number;
  redisUrl: string;
}

/** User + system CPU of a process in ms, from /proc (Linux; `/proc` counts in USER_HZ, 100 per second). */
function processCpuMs(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

async function redisCounters(redis: Redis): Promise<{ cpuMs: number; commands: number }> {
  const [cpu, stats] = await Promise.all([redis.info('cpu'), redis.info('commandstats')]);
  const seconds = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(cpu)?.[1]);
  let commands = 0;
  for (const match of stats.matchAll(/^cmdstat_[^:]+:calls=(\d+)/gm)) commands += Number(match[1]);
  return { cpuMs: (seconds('used_cpu_sys') + seconds('used_cpu_user')) * 1000, commands };
}

/**
 * Runs a load and adds the CPU it cost per answered request: the server's, Redis', the load generator's, and the Redis
 * commands. Without `watch`, only runs it.
 */
export async function withCpu<T extends { requests: number }>(
  watch: CpuWatch | undefined,
  run: () => Promise<T>,
): Promise<T & { cpuPerRequest?: CpuPerRequest }> {
  if (!watch) return run();
  const redis = new Redis(watch.redisUrl, { maxRetriesPerRequest: 2 });
  try {
    const before = {
      server: processCpuMs(watch.serverPid),
      redis: await redisCounters(redis),
      self: process.cpuUsage(),
    };
    const result = await run();
    const redisAfter = await redisCounters(redis);
    const self = process.cpuUsage(before.self);
    const per = (value: number) => round(value / Math.max(result.requests, 1), 4);
    return {
      ...result,
      cpuPerRequest: {
        serverMs: per(processCpuMs(watch.serverPid) - before.server),
        redisMs: per(redisAfter.cpuMs - before.redis.cpuMs),
        loadGeneratorMs: per((self.user + self.system) / 1000),
        redisCommands: round((redisAfter.commands - before.redis.commands) / Math.max(result.requests, 1), 2),
      },
    };
  } finally {
    redis.disconnect();
  }
}
