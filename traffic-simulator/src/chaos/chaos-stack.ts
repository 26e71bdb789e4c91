import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { canConnect, freePort, resolveMongo, startStack, stopChild, waitFor } from '@logstream/devstack';

/** What the soak breaks: its own Redis, MongoDB-wire server, API and worker, never shared ones. */
export interface ChaosStack {
  apiUrl: string;
  mongoUrl: string;
  /** Kills the worker's process group with SIGKILL and starts a new worker; resolves once it is ready. */
  killWorker: () => Promise<void>;
  /** Kills Redis with SIGKILL and starts an empty one on the same port (a restart without persistence). */
  restartRedis: () => Promise<void>;
  /** Freezes the database server (SIGSTOP) for `ms`, then lets it go on (SIGCONT). */
  pauseDatabase: (ms: number) => Promise<void>;
  /** Highest resident memory of any worker process seen so far, in bytes. */
  workerRssPeak: () => number;
  /** Output of the current worker and API, for a failure report. */
  output: () => string;
  stop: () => Promise<void>;
}

function residentBytes(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

async function startRedis(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: 'ignore' },
  );
  await waitFor(
    () => canConnect('127.0.0.1', port),
    10_000,
    `redis-server did not start on ${port}`,
  );
  return child;
}

/**
 * Starts a private Redis and FerretDB and an API + worker pair on them, with settings that make crashes heal within
 * seconds (short job locks, a fast replay watcher).
 */
export async function startChaosStack(log: (line: string) => void): Promise<ChaosStack> {
  const redisDir = fs.mkdtempSync(path.join(os.tmpdir(), 'logstream-chaos-redis-'));
  const redisPort = await freePort();
  let redis = await startRedis(redisPort, redisDir);
  log(`redis on ${redisPort} (private; restarted empty during the run)`);
  // FerretDB on PostgreSQL when a server answers (npm start's embedded default), else on SQLite.
  const ferret = await resolveMongo({ prefer: 'ferretdb', log });
  const ferretPid = ferret.pid as number;
  log(`MongoDB-wire server ${ferret.backend} at ${ferret.url} (private; paused during the run)`);

  const stack = await startStack({
    label: 'chaos',
    redisUrl: `redis://127.0.0.1:${redisPort}`,
    mongoUrl: ferret.url,
    overrides: {
      HOST: '127.0.0.1',
      RATE_LIMIT_PER_SEC: '0',
      JOB_BACKOFF_MS: '500',
      JOB_ATTEMPTS: '20',
      REPLAY_AFTER_MS: '3000',
      REPLAY_INTERVAL_MS: '500',
      HIGH_WATER_MARK: '2000',
      // Flushes of killed workers whose jobs vanished with the Redis restart are counted within the audit's wait.
      STALE_FLUSH_AFTER_MS: '30000',
      STALE_FLUSH_CHECK_MS: '5000',
      LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? 'warn',
    },
  });
  const api = await stack.startApi();
  let worker = await stack.startWorker();

  let rssPeak = 0;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, residentBytes(worker.child.pid));
  }, 250);

  return {
    apiUrl: stack.apiUrl,
    mongoUrl: stack.env.MONGO_URL as string,
    killWorker: async () => {
      await worker.kill('SIGKILL');
      worker = await stack.startWorker();
    },
    restartRedis: async () => {
      const exited = new Promise((resolve) => redis.once('exit', resolve));
      redis.kill('SIGKILL');
      await exited;
      redis = await startRedis(redisPort, redisDir);
    },
    pauseDatabase: async (ms) => {
      process.kill(ferretPid, 'SIGSTOP');
      try {
        await new Promise((resolve) => setTimeout(resolve, ms));
      } finally {
        process.kill(ferretPid, 'SIGCONT');
      }
    },
    workerRssPeak: () => rssPeak,
    output: () => `--- worker ---\n${worker.output()}\n--- api ---\n${api.output()}`,
    stop: async () => {
      clearInterval(sampler);
      await stack.stop();
      await stopChild(redis);
      await ferret.stop();
      fs.rmSync(redisDir, { recursive: true, force: true });
    },
  };
}
