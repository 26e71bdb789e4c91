import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { QUEUE_NAMES } from '@logstream/shared-types';
import { waitFor } from '../process-utils';
import { deleteKeysUnder } from '../redis';
import { loadAverage, round, runLoad } from './load';
import { batchBodies } from './payloads';
import { readMetrics, type BenchStack, type BenchWorker } from './stack';

/** From first send to everything stored, and what was stored. */
export interface EndToEndResult {
  /** Logs sent ÷ seconds from the first send until the last of them was stored. */
  logsPerSec: number;
  sent: number;
  /** Documents of the run in the database. */
  stored: number;
  /** Sent seqs with no document. */
  lost: number;
  /** Documents beyond one per sent seq. */
  duplicates: number;
  seconds: number;
  /** Seconds the API took to accept everything (202). */
  acceptSeconds: number;
  workers: number;
  /** Highest resident memory of a worker process sampled during the run (MiB). */
  workerMaxRssMb: number;
  /** Database commands the workers sent per 1,000 stored logs, by command name, and in all. */
  dbCommandsPer1000Logs: Record<string, number>;
  loadAvg: { start: number; end: number };
}

const STORED = 'logstream_worker_logs_stored_total';
const COMMANDS = 'logstream_worker_db_commands_total';

/** Sums a counter (every label set of it, or one) over the workers. */
async function sumOver(workers: BenchWorker[], name: string): Promise<Map<string, number>> {
  const total = new Map<string, number>();
  for (const worker of workers) {
    for (const [key, value] of await readMetrics(worker.metricsUrl, name))
      total.set(key, (total.get(key) ?? 0) + value);
  }
  return total;
}

/** Empties the ingest queue and the ACK state left by ingest-only modes, so that workers start on this run alone. */
export async function resetPipeline(stack: BenchStack): Promise<void> {
  const connection = new Redis(stack.redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(QUEUE_NAMES.ingest, { connection, prefix: stack.prefix });
  await queue.obliterate({ force: true });
  await queue.close();
  await deleteKeysUnder(connection, `${stack.prefix}:ack`);
  await connection.quit();
}

/** Samples the workers' memory until stopped. */
function sampleRss(workers: BenchWorker[]): { stop: () => number } {
  let max = 0;
  const take = () => {
    for (const worker of workers) max = Math.max(max, worker.rssMb() || 0);
  };
  take();
  const timer = setInterval(take, 250);
  return {
    stop: () => {
      clearInterval(timer);
      take();
      return max;
    },
  };
}

async function waitUntilStored(workers: BenchWorker[], before: number, expected: number, timeoutMs: number) {
  await waitFor(
    async () => ((await sumOver(workers, STORED)).get(STORED) ?? 0) - before >= expected,
    timeoutMs,
    'not all logs were stored in time',
  ).catch(() => undefined);
}

/** Counts a service's documents and distinct seqs in the database. */
async function countStored(stack: BenchStack, service: string, sent: number) {
  const logs = stack.client.db().collection('logs');
  const stored = await logs.countDocuments({ service });
  if (sent <= 200_000) {
    const distinct = (await logs.distinct('seq', { service })).length;
    return { stored, lost: sent - distinct, duplicates: stored - distinct };
  }
  // Too many seqs for one distinct answer, and any other filter is a scan on FerretDB. Ids are `space@seq`, so a seq
  // can be there twice only as a conflict copy: more documents than seqs sent are duplicates, fewer are losses.
  return { stored, lost: Math.max(0, sent - stored), duplicates: Math.max(0, stored - sent) };
}

function per1000(
  after: Map<string, number>,
  before: Map<string, number>,
  logs: number,
): Record<string, number> {
  const out: Record<string, number> = {};
  let total = 0;
  for (const [key, value] of after) {
    const command = /command="([^"]+)"/.exec(key)?.[1] ?? key;
    const delta = value - (before.get(key) ?? 0);
    if (delta <= 0 || ['hello', 'ismaster', 'isMaster', 'ping', 'endSessions'].includes(command)) continue;
    out[command] = round((delta / Math.max(logs, 1)) * 1000);
    total += delta;
  }
  out.total = round((total / Math.max(logs, 1)) * 1000);
  return out;
}

/**
 * End to end: `workers` worker processes running, `logs` logs sent in 100-log requests as fast as the API takes them,
 * timed until every one is stored; then the database is checked for lost and duplicated logs.
 */
export async function measureEndToEnd(
  stack: BenchStack,
  options: {
    logs: number;
    connections?: number;
    workers?: number;
    workerEnv?: Record<string, string>;
    service?: string;
  },
): Promise<EndToEndResult> {
  const service = options.service ?? 'bench-e2e';
  const workers = await Promise.all(
    Array.from({ length: options.workers ?? 1 }, () => stack.startWorker(options.workerEnv)),
  );
  const loadStart = loadAverage();
  const storedBefore = (await sumOver(workers, STORED)).get(STORED) ?? 0;
  const commandsBefore = await sumOver(workers, COMMANDS);
  const rss = sampleRss(workers);
  const bodies = batchBodies(service, 100);
  const started = performance.now();
  const accepted = await runLoad({
    url: stack.apiUrl,
    body: bodies.next,
    connections: options.connections ?? 16,
    amount: options.logs / 100,
  });
  const acceptSeconds = (performance.now() - started) / 1000;
  const sent = accepted.ok * 100;
  await waitUntilStored(workers, storedBefore, sent, Math.max(180_000, sent * 5));
  const seconds = (performance.now() - started) / 1000;
  const workerMaxRssMb = rss.stop();
  const commandsAfter = await sumOver(workers, COMMANDS);
  const counts = await countStored(stack, service, sent);
  return {
    logsPerSec: Math.round(sent / seconds),
    sent,
    ...counts,
    seconds: round(seconds),
    acceptSeconds: round(acceptSeconds),
    workers: workers.length,
    workerMaxRssMb,
    dbCommandsPer1000Logs: per1000(commandsAfter, commandsBefore, counts.stored),
    loadAvg: { start: loadStart, end: loadAverage() },
  };
}

/** Draining a backlog: what a worker's memory does when `logs` logs wait in the queue before it starts. */
export interface BacklogResult {
  logs: number;
  enqueueSeconds: number;
  drainSeconds: number;
  drainLogsPerSec: number;
  workerMaxRssMb: number;
  lost: number;
  duplicates: number;
  loadAvg: { start: number; end: number };
}

/** Enqueues `logs` logs through the API with no worker running, then starts one and times the drain. */
export async function measureBacklog(stack: BenchStack, options: { logs: number }): Promise<BacklogResult> {
  const service = 'bench-backlog';
  const loadStart = loadAverage();
  const bodies = batchBodies(service, 100);
  const started = performance.now();
  const accepted = await runLoad({
    url: stack.apiUrl,
    body: bodies.next,
    connections: 16,
    amount: options.logs / 100,
  });
  const enqueueSeconds = (performance.now() - started) / 1000;
  const sent = accepted.ok * 100;
  const worker = await stack.startWorker();
  const rss = sampleRss([worker]);
  const drainStart = performance.now();
  await waitUntilStored([worker], 0, sent, Math.max(600_000, sent * 5));
  const drainSeconds = (performance.now() - drainStart) / 1000;
  const workerMaxRssMb = rss.stop();
  const counts = await countStored(stack, service, sent);
  await worker.stop();
  return {
    logs: sent,
    enqueueSeconds: round(enqueueSeconds),
    drainSeconds: round(drainSeconds),
    drainLogsPerSec: Math.round(sent / drainSeconds),
    workerMaxRssMb,
    lost: counts.lost,
    duplicates: counts.duplicates,
    loadAvg: { start: loadStart, end: loadAverage() },
  };
}
