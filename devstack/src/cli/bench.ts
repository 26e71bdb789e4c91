import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { MongoClient } from 'mongodb';
import { loadConfig } from '../config';
import { resolveMongo } from '../mongo';
import { repoRoot } from '../paths';
import { freePort, stopChild, waitFor } from '../process-utils';
import { resolveRedis } from '../redis';
import { mongoUrlWithDb, startApp, uniqueName, waitForHttp } from '../testing';

const args = new Set(process.argv.slice(2));
const json = args.has('--json');
const total = Number(process.env.BENCH_LOGS ?? 200_000);
const perRequest = 100;
const fixedRate = Number(process.env.BENCH_RATE ?? 30); // requests/s in the latency phase
const latencySeconds = Number(process.env.BENCH_LATENCY_SECONDS ?? 20);
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

/** A 100-log request body for one service, seq numbered from `from`. */
function body(service: string, from: number): string {
  const levels = ['debug', 'info', 'info', 'info', 'warn', 'error'];
  return JSON.stringify({
    service,
    logs: Array.from({ length: perRequest }, (_, i) => ({
      level: levels[(from + i) % levels.length],
      message: `GET /api/orders/${(from + i) % 977} answered 200 in ${(from + i) % 250} ms`,
      seq: from + i,
      requestId: `req_${Math.floor((from + i) / 3)}`,
      meta: { route: '/api/orders/:id', status: 200 },
    })),
  });
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(url)).text();
  const line = text.split('\n').find((l) => l.startsWith(name) && !l.startsWith('#'));
  return line ? Number(line.split(' ').pop()) : NaN;
}

function cannon(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/** Sends `amount` requests of `service` logs at `rate` req/s (or flat out), seq continuing from `seqFrom`. */
function load(url: string, service: string, amount: number, connections: number, rate?: number) {
  let next = 1;
  return cannon({
    url,
    connections,
    amount,
    ...(rate !== undefined && { overallRate: rate }),
    requests: [
      {
        method: 'POST',
        path: '/ingest',
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => {
          const from = next;
          next += perRequest;
          return { ...request, body: body(service, from) };
        },
      },
    ],
  });
}

async function main(): Promise<void> {
  const config = loadConfig();
  const redis = await resolveRedis(config.REDIS_URL);
  const mongo = await resolveMongo({ envUrl: config.MONGO_URL, prefer: config.LOGSTREAM_MONGO, log });
  const db = uniqueName('bench');
  const mongoUrl = mongoUrlWithDb(mongo.url, db);
  const [apiPort, workerPort, basePort] = [await freePort(), await freePort(), await freePort()];
  const env = {
    REDIS_URL: redis.url,
    MONGO_URL: mongoUrl,
    QUEUE_PREFIX: db,
    PORT: String(apiPort),
    HEALTH_PORT: String(workerPort),
    AUTH_REQUIRED: 'false',
    RATE_LIMIT_PER_SEC: '0',
    HIGH_WATER_MARK: '1000000',
    LOG_LEVEL: 'warn',
  };
  const api = startApp('ingestion-api', env);
  const worker = startApp('log-worker', env);
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const metricsUrl = `http://127.0.0.1:${workerPort}/metrics`;
  const client = await MongoClient.connect(mongoUrl);
  const logs = client.db().collection('logs');
  const baseline = spawn(
    process.execPath,
    [path.join(__dirname, '..', 'bench', 'sync-baseline.js'), String(basePort), mongoUrl],
    {
      stdio: 'ignore',
    },
  );
  try {
    await waitForHttp(`${apiUrl}/ready`);
    await waitForHttp(`http://127.0.0.1:${workerPort}/ready`);
    await waitFor(
      async () =>
        (await fetch(`http://127.0.0.1:${basePort}/`, { method: 'GET' }).catch(() => null)) !== null,
      20_000,
      'baseline down',
    );

    log(`phase 1: ${total} logs in ${perRequest}-log requests, as fast as the API takes them`);
    const insertsBefore = await metric(metricsUrl, 'logstream_worker_insert_commands_total');
    const storedBefore = await metric(metricsUrl, 'logstream_worker_logs_stored_total');
    const started = performance.now();
    const ingest = await load(apiUrl, 'bench-throughput', total / perRequest, 16);
    const ingestSeconds = (performance.now() - started) / 1000;
    // Poll the worker's counter (cheap); a count over the collection is a full scan on FerretDB and would slow the run.
    await waitFor(
      async () => (await metric(metricsUrl, 'logstream_worker_logs_stored_total')) - storedBefore >= total,
      15 * 60_000,
      'not all logs were stored',
    );
    const e2eSeconds = (performance.now() - started) / 1000;
    const stored = await logs.countDocuments({ service: 'bench-throughput' });
    const insertCommands =
      (await metric(metricsUrl, 'logstream_worker_insert_commands_total')) - insertsBefore;

    log(
      `phase 2: ${fixedRate} req/s (${fixedRate * perRequest} logs/s) for ${latencySeconds} s against LogStream, then the synchronous baseline`,
    );
    const amount = fixedRate * latencySeconds;
    const queued = await load(apiUrl, 'bench-latency', amount, 8, fixedRate);
    const sync = await load(`http://127.0.0.1:${basePort}`, 'bench-latency', amount, 8, fixedRate);

    const build = await client.db().admin().command({ buildInfo: 1 });
    const server =
      'ferretdbVersion' in build
        ? `FerretDB (wire-compatible, reports MongoDB ${build.version})`
        : `MongoDB ${build.version}`;
    const result = {
      date: new Date().toISOString(),
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model,
        memoryGiB: Math.round(os.totalmem() / 2 ** 30),
        node: process.version,
      },
      backend: { redis: redis.source, mongo: mongo.source, server },
      throughput: {
        logs: total,
        requests: total / perRequest,
        logsPerRequest: perRequest,
        non2xx: ingest.non2xx,
        ingestSeconds: round(ingestSeconds),
        acceptedLogsPerSec: Math.round(total / ingestSeconds),
        endToEndSeconds: round(e2eSeconds),
        storedLogsPerSec: Math.round(stored / e2eSeconds),
        stored,
      },
      insertCommandsPer1000Logs: round((insertCommands / stored) * 1000),
      latency: {
        ratePerSec: fixedRate,
        logsPerSec: fixedRate * perRequest,
        seconds: latencySeconds,
        logstream: {
          p50: queued.latency.p50,
          p99: queued.latency.p99,
          non2xx: queued.non2xx,
          errors: queued.errors,
        },
        syncBaseline: {
          p50: sync.latency.p50,
          p99: sync.latency.p99,
          non2xx: sync.non2xx,
          errors: sync.errors,
        },
        p99Ratio: round(sync.latency.p99 / Math.max(queued.latency.p99, 0.001)),
      },
    };
    const dir = path.join(repoRoot(), 'docs', 'benchmarks', 'raw');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${result.date.slice(0, 10)}-${mongo.source}.json`);
    fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    log(`raw result written to ${path.relative(repoRoot(), file)}`);
    process.stdout.write(json ? `${JSON.stringify(result)}\n` : `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await client
      .db()
      .dropDatabase()
      .catch(() => undefined);
    await client.close();
    await stopChild(baseline);
    await worker.stop();
    await api.stop();
    await mongo.stop();
    await redis.stop();
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).message}\n`);
  process.exit(1);
});
