import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { loadConfig } from '../config';
import { resolveMongo, type ResolvedMongo } from '../mongo';
import { freePort, stopChild, waitFor } from '../process-utils';
import { deletePrefixKeys, resolveRedis, type ResolvedRedis } from '../redis';
import { mongoUrlWithDb, startApp, uniqueName, waitForHttp, type AppProcess } from '../testing';

/** Everything a bench mode runs against: one API, workers on demand, the comparison servers, the database. */
export interface BenchStack {
  redisUrl: string;
  /** Database URL of the pipeline's database (the bench's own, dropped at the end). */
  mongoUrl: string;
  /** A database URL next to it, for raw measurements (`label` names it). */
  sideMongoUrl: (label: string) => string;
  prefix: string;
  /** A Redis key prefix next to the pipeline's, for raw measurements (`label` names it); its keys go at `close`. */
  sidePrefix: (label: string) => string;
  apiUrl: string;
  naiveUrl: string;
  /** Process ids of the API and the naive server (for their CPU). */
  apiPid: number;
  naivePid: number;
  syncUrl: string;
  backend: { redis: string; mongo: string };
  client: MongoClient;
  /** Starts one more worker process (each on its own health port); resolves once it is ready. */
  startWorker: (env?: Record<string, string>) => Promise<BenchWorker>;
  /** Stops every worker started so far. */
  stopWorkers: () => Promise<void>;
  close: () => Promise<void>;
}

/** A running worker process. */
export interface BenchWorker {
  process: AppProcess;
  metricsUrl: string;
  /** Resident memory of the worker process now, in MiB (Linux /proc). */
  rssMb: () => number;
  stop: () => Promise<void>;
}

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

function rssOf(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    return Math.round(kb / 1024);
  } catch {
    return NaN;
  }
}

function spawnServer(script: string, args: string[]): ChildProcess {
  return spawn(process.execPath, [path.join(__dirname, script), ...args], { stdio: 'ignore' });
}

async function answers(url: string): Promise<void> {
  await waitFor(async () => (await fetch(url).catch(() => null)) !== null, 30_000, `${url} did not answer`);
}

/**
 * Finds or starts Redis and the database (as `npm start` does), and starts the API, the naive server and the
 * synchronous baseline. Workers are started by the modes that need them, so that ingest-only modes measure the API
 * alone. `apiEnv` is added to the API's environment.
 */
export async function startBenchStack(apiEnv: Record<string, string> = {}): Promise<BenchStack> {
  const config = loadConfig();
  const redis: ResolvedRedis = await resolveRedis(config.REDIS_URL);
  const mongo: ResolvedMongo = await resolveMongo({
    envUrl: config.MONGO_URL,
    prefer: config.LOGSTREAM_MONGO,
    log,
  });
  const prefix = uniqueName('bench');
  const mongoUrl = mongoUrlWithDb(mongo.url, prefix);
  const [apiPort, naivePort, syncPort] = [await freePort(), await freePort(), await freePort()];
  const env = {
    REDIS_URL: redis.url,
    MONGO_URL: mongoUrl,
    QUEUE_PREFIX: prefix,
    AUTH_REQUIRED: 'false',
    RATE_LIMIT_PER_SEC: '0',
    HIGH_WATER_MARK: '10000000',
    LOG_LEVEL: 'warn',
  };
  const api = startApp('ingestion-api', { ...env, PORT: String(apiPort), ...apiEnv });
  const keyPrefixes = [prefix];
  const sidePrefix = (label: string) => {
    const side = `${prefix}_${label}`;
    keyPrefixes.push(side);
    return side;
  };
  const naive = spawnServer('naive-server.js', [String(naivePort), redis.url, sidePrefix('naive')]);
  const sync = spawnServer('sync-baseline.js', [String(syncPort), mongoUrl]);
  const workers: BenchWorker[] = [];
  const client = await MongoClient.connect(mongoUrl);
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  await waitForHttp(`${apiUrl}/ready`, 60_000);
  await answers(`http://127.0.0.1:${naivePort}/`);
  await answers(`http://127.0.0.1:${syncPort}/`);
  return {
    redisUrl: redis.url,
    mongoUrl,
    sideMongoUrl: (label) => mongoUrlWithDb(mongo.url, `${prefix}_${label}`),
    sidePrefix,
    prefix,
    apiUrl,
    naiveUrl: `http://127.0.0.1:${naivePort}`,
    apiPid: api.child.pid as number,
    naivePid: naive.pid as number,
    syncUrl: `http://127.0.0.1:${syncPort}`,
    backend: { redis: redis.source, mongo: mongo.source },
    client,
    startWorker: async (extra = {}) => {
      const port = await freePort();
      const process = startApp('log-worker', { ...env, HEALTH_PORT: String(port), ...extra });
      await waitForHttp(`http://127.0.0.1:${port}/ready`, 60_000);
      const worker: BenchWorker = {
        process,
        metricsUrl: `http://127.0.0.1:${port}/metrics`,
        rssMb: () => rssOf(process.child.pid),
        stop: () => process.stop(),
      };
      workers.push(worker);
      return worker;
    },
    stopWorkers: async () => {
      await Promise.all(workers.splice(0).map((worker) => worker.stop()));
    },
    close: async () => {
      await client
        .db()
        .dropDatabase()
        .catch(() => undefined);
      await client.close();
      await Promise.all([stopChild(naive), stopChild(sync), ...workers.map((w) => w.stop()), api.stop()]);
      for (const keyPrefix of keyPrefixes) await deletePrefixKeys(redis.url, keyPrefix);
      await mongo.stop();
      await redis.stop();
    },
  };
}

/** Reads counters of a Prometheus text page: `name` or `name{label="value"}` → value (summed over workers by callers). */
export async function readMetrics(url: string, prefix: string): Promise<Map<string, number>> {
  const text = await (await fetch(url)).text();
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith(prefix)) continue;
    const space = line.lastIndexOf(' ');
    values.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return values;
}
