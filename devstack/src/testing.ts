import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { appArgs } from './app-command';
import { freePort, stopChild, waitFor } from './process-utils';
import { deletePrefixKeys } from './redis';

/** Redis URL resolved by the integration setup. Throws (never skips) when the setup did not provide one. */
export function testRedisUrl(): string {
  const url = process.env.LOGSTREAM_TEST_REDIS_URL;
  if (!url)
    throw new Error('LOGSTREAM_TEST_REDIS_URL is not set: run integration tests through jest (npm test)');
  return url;
}

/** MongoDB-wire URL resolved by the integration setup, without a database. Throws when missing. */
export function testMongoUrl(): string {
  const url = process.env.LOGSTREAM_TEST_MONGO_URL;
  if (!url)
    throw new Error('LOGSTREAM_TEST_MONGO_URL is not set: run integration tests through jest (npm test)');
  return url;
}

/** A name no other test run uses: for queue prefixes and database names. */
export function uniqueName(label: string): string {
  return `t_${label}_${randomBytes(4).toString('hex')}`;
}

/** `mongodb://host:port/` + database. */
export function mongoUrlWithDb(base: string, db: string): string {
  return `${base.replace(/\/?(\?.*)?$/, '')}/${db}`;
}

/** A spawned app process with its collected output. */
export interface AppProcess {
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
  kill: (signal?: NodeJS.Signals) => Promise<void>;
}

/** Starts a built app (`ingestion-api`, `log-worker` …) from its dist with the given environment. */
export function startApp(app: string, env: Record<string, string>): AppProcess {
  const child = spawn(process.execPath, appArgs(app), {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const collect = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  // A process that ends without being asked to (a crash, or a signal from outside) says so, with its last output:
  // otherwise a test only sees connections refused.
  let expected = false;
  child.once('exit', (code, signal) => {
    if (!expected)
      process.stderr.write(
        `[startApp] ${app} (pid ${child.pid}) exited unexpectedly: code ${code}, signal ${signal}\n${output.slice(-4000)}\n`,
      );
  });
  return {
    child,
    output: () => output,
    stop: () => {
      expected = true;
      return stopChild(child, 10_000);
    },
    kill: async (signal = 'SIGKILL') => {
      expected = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      // The whole process group, as an operator's `kill -9 -PGID` would.
      process.kill(-(child.pid as number), signal);
      await exited;
    },
  };
}

/** Waits until `url` answers 200. */
export async function waitForHttp(url: string, timeoutMs = 20_000): Promise<void> {
  await waitFor(
    async () => {
      try {
        return (await fetch(url)).ok;
      } catch {
        return false;
      }
    },
    timeoutMs,
    `${url} did not answer 200 within ${timeoutMs} ms`,
  );
}

/** An API and worker pair on their own queue prefix and database, for process-level tests. */
export interface TestStack {
  /** The environment both processes get (add to it before `startApi`/`startWorker` to change settings). */
  env: Record<string, string>;
  apiUrl: string;
  /** The worker's health/metrics port. */
  workerPort: number;
  startApi: () => Promise<AppProcess>;
  /** Starts a worker (one at a time on the stack's health port) and waits until it is ready. */
  startWorker: () => Promise<AppProcess>;
  stopWorker: () => Promise<void>;
  /** Stops every process the stack started and deletes what it stored (its Redis keys, its database). */
  stop: () => Promise<void>;
}

/**
 * Builds the environment of an API + worker pair against the integration setup's Redis and MongoDB, with a unique
 * queue prefix and database (`label` names them) and free ports; `overrides` are added to it.
 */
export function startTestStack(label: string, overrides: Record<string, string> = {}): Promise<TestStack> {
  return startStack({ label, redisUrl: testRedisUrl(), mongoUrl: testMongoUrl(), overrides });
}

/**
 * An API + worker pair on the given Redis and MongoDB (URL without a database), with a unique queue prefix and
 * database and free ports, settings that make a killed worker's jobs come back within seconds, and `overrides`.
 */
export async function startStack(options: {
  label: string;
  redisUrl: string;
  mongoUrl: string;
  overrides?: Record<string, string>;
}): Promise<TestStack> {
  const db = uniqueName(options.label);
  const overrides = options.overrides ?? {};
  const [apiPort, workerPort] = [await freePort(), await freePort()];
  const env: Record<string, string> = {
    REDIS_URL: options.redisUrl,
    MONGO_URL: mongoUrlWithDb(options.mongoUrl, db),
    QUEUE_PREFIX: db,
    PORT: String(apiPort),
    HEALTH_PORT: String(workerPort),
    AUTH_REQUIRED: 'false',
    // Short locks so that jobs of a killed worker come back within seconds.
    LOCK_DURATION_MS: '4000',
    STALLED_INTERVAL_MS: '1000',
    JOB_BACKOFF_MS: '200',
    ...overrides,
  };
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const started: AppProcess[] = [];
  let worker: AppProcess | undefined;
  return {
    env,
    apiUrl,
    workerPort,
    startApi: async () => {
      const api = startApp('ingestion-api', env);
      started.push(api);
      await waitForHttp(`${apiUrl}/ready`, 60_000);
      return api;
    },
    startWorker: async () => {
      worker = startApp('log-worker', env);
      started.push(worker);
      await waitForHttp(`http://127.0.0.1:${workerPort}/ready`, 60_000);
      return worker;
    },
    stopWorker: async () => {
      await worker?.stop();
      worker = undefined;
    },
    /** Stops the processes, then deletes the stack's Redis keys and drops its database. */
    stop: async () => {
      await Promise.all(started.map((process) => process.stop()));
      await deletePrefixKeys(env.REDIS_URL as string, env.QUEUE_PREFIX as string);
      await dropMongoDatabase(env.MONGO_URL as string);
    },
  };
}

/** Drops the database a URL names (a test's or a bench's own). */
export async function dropMongoDatabase(url: string): Promise<void> {
  const client = await MongoClient.connect(url, { serverSelectionTimeoutMS: 5_000 });
  try {
    await client.db().dropDatabase();
  } finally {
    await client.close();
  }
}
