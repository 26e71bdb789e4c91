import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  canConnect,
  freePort,
  mongoUrlWithDb,
  startApp,
  startFerretdb,
  stopChild,
  uniqueName,
  waitFor,
  waitForHttp,
  type AppProcess,
} from '@logstream/devstack';

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
  const ferret = await startFerretdb({ log });
  log(`MongoDB-wire server (FerretDB) at ${ferret.url} (private; paused during the run)`);

  const [apiPort, workerPort] = [await freePort(), await freePort()];
  const db = uniqueName('chaos');
  const env: Record<string, string> = {
    REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    MONGO_URL: mongoUrlWithDb(ferret.url, db),
    QUEUE_PREFIX: db,
    PORT: String(apiPort),
    HOST: '127.0.0.1',
    HEALTH_PORT: String(workerPort),
    AUTH_REQUIRED: 'false',
    RATE_LIMIT_PER_SEC: '0',
    LOCK_DURATION_MS: '4000',
    STALLED_INTERVAL_MS: '1000',
    JOB_BACKOFF_MS: '500',
    JOB_ATTEMPTS: '20',
    REPLAY_AFTER_MS: '3000',
    REPLAY_INTERVAL_MS: '500',
    HIGH_WATER_MARK: '2000',
    LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? 'warn',
  };
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const api = startApp('ingestion-api', env);
  await waitForHttp(`${apiUrl}/ready`, 30_000);
  let worker: AppProcess = startApp('log-worker', env);
  await waitForHttp(`http://127.0.0.1:${workerPort}/ready`, 60_000);

  let rssPeak = 0;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, residentBytes(worker.child.pid));
  }, 250);

  return {
    apiUrl,
    mongoUrl: env.MONGO_URL as string,
    killWorker: async () => {
      if (process.env.CHAOS_DUMP) fs.appendFileSync(process.env.CHAOS_DUMP, worker.output());
      await worker.kill('SIGKILL');
      worker = startApp('log-worker', env);
      await waitForHttp(`http://127.0.0.1:${workerPort}/ready`, 60_000);
    },
    restartRedis: async () => {
      const exited = new Promise((resolve) => redis.once('exit', resolve));
      redis.kill('SIGKILL');
      await exited;
      redis = await startRedis(redisPort, redisDir);
    },
    pauseDatabase: async (ms) => {
      process.kill(ferret.pid, 'SIGSTOP');
      try {
        await new Promise((resolve) => setTimeout(resolve, ms));
      } finally {
        process.kill(ferret.pid, 'SIGCONT');
      }
    },
    workerRssPeak: () => rssPeak,
    output: () => `--- worker ---\n${worker.output()}\n--- api ---\n${api.output()}`,
    stop: async () => {
      clearInterval(sampler);
      await Promise.all([worker.stop(), api.stop()]);
      await stopChild(redis);
      await ferret.stop();
      fs.rmSync(redisDir, { recursive: true, force: true });
    },
  };
}
