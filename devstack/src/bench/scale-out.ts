import os from 'node:os';
import autocannon from 'autocannon';
import { startRedisCluster } from '../redis-cluster';
import { freePort, waitFor } from '../process-utils';
import { mongoUrlWithDb, startApp, uniqueName, waitForHttp, type AppProcess } from '../testing';
import { MongoClient } from 'mongodb';

/** One configuration of the scale-out benchmark. */
export interface ScaleOutCase {
  /** Redis Cluster masters. */
  masters: number;
  /** Worker processes. */
  workers: number;
}

/** Options of {@link runScaleOut}. */
export interface ScaleOutOptions {
  cases: ScaleOutCase[];
  /** API processes (the load is split evenly over them). */
  apis: number;
  /** Ingest queues (QUEUE_PARTITIONS). */
  partitions: number;
  /** Logs per case, sent in 100-log requests. */
  logs: number;
  /** Concurrent HTTP connections per API. */
  connections: number;
  /** MongoDB-wire server URL without a database (each case gets its own). */
  mongoUrl: string;
  log: (line: string) => void;
}

/** What one case measured. */
export interface ScaleOutResult extends ScaleOutCase {
  apis: number;
  partitions: number;
  logs: number;
  /** Seconds until the APIs had accepted every request. */
  ingestSeconds: number;
  /** Seconds until the workers had stored every log (the end-to-end figure). */
  endToEndSeconds: number;
  storedLogsPerSec: number;
  non2xx: number;
  /** 1-minute load average of the machine when the case ended. */
  load1: number;
}

const PER_REQUEST = 100;
const SERVICES = 8;

/** Sends `requests` 100-log requests to one API over `connections` connections, services in turn, seqs numbered. */
function load(url: string, requests: number, connections: number, label: string): Promise<autocannon.Result> {
  const next = new Map<string, number>();
  let turn = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        connections,
        amount: requests,
        requests: [
          {
            method: 'POST',
            path: '/ingest',
            headers: { 'content-type': 'application/json' },
            setupRequest: (request) => {
              const service = `scale-${turn++ % SERVICES}`;
              const from = next.get(service) ?? 1;
              next.set(service, from + PER_REQUEST);
              const logs = Array.from({ length: PER_REQUEST }, (_, i) => ({
                level: i % 10 === 0 ? 'warn' : 'info',
                message: `GET /api/orders/${(from + i) % 977} answered 200`,
                seq: from + i,
              }));
              return { ...request, body: JSON.stringify({ service, instance: label, logs }) };
            },
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

/** The `logstream_worker_logs_stored_total` of a worker's /metrics. */
async function storedBy(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('logstream_worker_logs_stored_total'));
  return line ? Number(line.split(' ').pop()) : 0;
}

/** Runs one case: a fresh cluster, database and processes; flat-out load; time until every log is stored. */
async function runCase(options: ScaleOutOptions, scaleCase: ScaleOutCase): Promise<ScaleOutResult> {
  const cluster = await startRedisCluster({ masters: scaleCase.masters });
  const db = uniqueName('scale');
  const mongoUrl = mongoUrlWithDb(options.mongoUrl, db);
  const env = {
    REDIS_CLUSTER_NODES: cluster.nodes,
    QUEUE_PARTITIONS: String(options.partitions),
    MONGO_URL: mongoUrl,
    QUEUE_PREFIX: db,
    AUTH_REQUIRED: 'false',
    RATE_LIMIT_PER_SEC: '0',
    HIGH_WATER_MARK: '1000000',
    LOG_LEVEL: 'warn',
  };
  const processes: AppProcess[] = [];
  try {
    const apiUrls: string[] = [];
    for (let index = 0; index < options.apis; index += 1) {
      const port = await freePort();
      processes.push(startApp('ingestion-api', { ...env, PORT: String(port) }));
      apiUrls.push(`http://127.0.0.1:${port}`);
    }
    const workerPorts: number[] = [];
    for (let index = 0; index < scaleCase.workers; index += 1) {
      const port = await freePort();
      processes.push(startApp('log-worker', { ...env, HEALTH_PORT: String(port) }));
      workerPorts.push(port);
    }
    for (const url of apiUrls) await waitForHttp(`${url}/ready`, 60_000);
    for (const port of workerPorts) await waitForHttp(`http://127.0.0.1:${port}/ready`, 60_000);

    const requests = Math.ceil(options.logs / PER_REQUEST);
    const share = Math.ceil(requests / apiUrls.length);
    options.log(
      `${scaleCase.masters} master(s), ${scaleCase.workers} worker(s), ${options.apis} API(s), K=${options.partitions}: ` +
        `${share * apiUrls.length * PER_REQUEST} logs`,
    );
    const started = performance.now();
    const results = await Promise.all(
      apiUrls.map((url, index) => load(url, share, options.connections, `api${index}`)),
    );
    const ingestSeconds = (performance.now() - started) / 1000;
    const total = share * apiUrls.length * PER_REQUEST;
    await waitFor(
      async () => (await Promise.all(workerPorts.map(storedBy))).reduce((sum, n) => sum + n, 0) >= total,
      15 * 60_000,
      'not every log was stored',
    );
    const endToEndSeconds = (performance.now() - started) / 1000;
    return {
      ...scaleCase,
      apis: options.apis,
      partitions: options.partitions,
      logs: total,
      ingestSeconds: Math.round(ingestSeconds * 10) / 10,
      endToEndSeconds: Math.round(endToEndSeconds * 10) / 10,
      storedLogsPerSec: Math.round(total / endToEndSeconds),
      non2xx: results.reduce((sum, result) => sum + result.non2xx, 0),
      load1: Math.round((os.loadavg()[0] ?? 0) * 10) / 10,
    };
  } finally {
    await Promise.all(processes.map((process) => process.stop()));
    await cluster.stop();
    const client = await MongoClient.connect(mongoUrl);
    await client
      .db()
      .dropDatabase()
      .catch(() => undefined);
    await client.close();
  }
}

/**
 * The scale-out benchmark: for each case (Redis Cluster masters × worker processes), a fresh cluster, database, API
 * and worker processes, `logs` sent flat out through the APIs, and the time until the workers stored them all.
 */
export async function runScaleOut(options: ScaleOutOptions): Promise<ScaleOutResult[]> {
  const results: ScaleOutResult[] = [];
  for (const scaleCase of options.cases) {
    const result = await runCase(options, scaleCase);
    options.log(
      `  → ${result.storedLogsPerSec} logs/s end to end (ingest ${result.ingestSeconds} s, all stored ${result.endToEndSeconds} s, non-2xx ${result.non2xx}, load ${result.load1})`,
    );
    results.push(result);
  }
  return results;
}
