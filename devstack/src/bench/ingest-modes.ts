import { withCpu, type CpuPerRequest, type CpuWatch } from './cpu';
import { runLoad, type LoadResult } from './load';
import { batchBodies, singleLogBodies } from './payloads';

/** Throughput flat out, and latency at a fixed rate, of one-log requests. */
export interface SingleResult {
  /** Logs (= requests) accepted per second flat out, `connections` requests in flight. */
  logsPerSec: number;
  /** Latency at the fixed rate (`rate` requests/s). */
  p50Ms: number;
  p99Ms: number;
  rate: number;
  flatOut: LoadResult & { connections: number; cpuPerRequest?: CpuPerRequest };
  atRate: LoadResult;
}

/** Throughput flat out of 100-log requests. */
export interface BatchResult {
  logsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  logs: number;
  run: LoadResult & { connections: number; cpuPerRequest?: CpuPerRequest };
}

/** Options of the one-log mode. */
export interface SingleOptions {
  url: string;
  service: string;
  connections: number;
  seconds: number;
  rate: number;
  rateSeconds: number;
  /** The server and Redis whose CPU the flat-out run reports per request. */
  cpu?: CpuWatch;
}

/**
 * One log per request, as most services send: flat out with `connections` in flight for `seconds`, then `rate`
 * requests/s for `rateSeconds`. Run against LogStream's API and against the naive server with the same options.
 */
export async function measureSingle(options: SingleOptions): Promise<SingleResult> {
  const flatBodies = singleLogBodies(`${options.service}-flat`);
  const flatOut = await withCpu(options.cpu, () =>
    runLoad({
      url: options.url,
      body: flatBodies.next,
      connections: options.connections,
      seconds: options.seconds,
    }),
  );
  const rateBodies = singleLogBodies(`${options.service}-rate`);
  const atRate = await runLoad({
    url: options.url,
    body: rateBodies.next,
    connections: 16,
    rate: options.rate,
    seconds: options.rateSeconds,
  });
  return {
    logsPerSec: flatOut.okPerSec,
    p50Ms: atRate.p50Ms,
    p99Ms: atRate.p99Ms,
    rate: options.rate,
    flatOut: { ...flatOut, connections: options.connections },
    atRate,
  };
}

/**
 * 100 logs per request, flat out with `connections` in flight for `seconds` (like the queue ceiling it is compared
 * with, a timed run: a fixed few hundred requests were over in under a second, much of it the API's warm-up).
 */
export async function measureBatch(options: {
  url: string;
  service: string;
  connections: number;
  seconds: number;
  cpu?: CpuWatch;
}): Promise<BatchResult> {
  const bodies = batchBodies(options.service, 100);
  const run = await withCpu(options.cpu, () =>
    runLoad({
      url: options.url,
      body: bodies.next,
      connections: options.connections,
      seconds: options.seconds,
    }),
  );
  return {
    logsPerSec: Math.round((run.ok * 100) / Math.max(run.seconds, 0.001)),
    p50Ms: run.p50Ms,
    p99Ms: run.p99Ms,
    logs: run.ok * 100,
    run: { ...run, connections: options.connections },
  };
}
