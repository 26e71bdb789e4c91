import os from 'node:os';
import autocannon from 'autocannon';

/** What one load run measured. */
export interface LoadResult {
  requests: number;
  ok: number;
  non2xx: number;
  errors: number;
  seconds: number;
  /** 2xx requests per second over the run. */
  okPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** 1-minute load average when the run ended (the machine is shared). */
  loadAvg: number;
}

/** How a run sends: to which server, with which bodies, how hard and how long. */
export interface LoadOptions {
  url: string;
  path?: string;
  /** Builds the next request body (called once per request, in order). */
  body: () => string;
  connections: number;
  /** Requests per second overall; flat out when absent. */
  rate?: number;
  /** Stop after this many seconds… */
  seconds?: number;
  /** …or after this many requests. */
  amount?: number;
}

/** Current 1-minute load average, rounded. */
export function loadAverage(): number {
  return Math.round((os.loadavg()[0] ?? 0) * 100) / 100;
}

/** Sends POST requests with autocannon and reports throughput and latency. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const started = performance.now();
  let lastAnswer = started;
  // Each answer's time in fractions of a ms: autocannon's own percentiles are whole ms, too coarse to compare two p99s
  // of a few ms.
  const times: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        ...(options.seconds !== undefined && { duration: options.seconds }),
        ...(options.amount !== undefined && { amount: options.amount }),
        ...(options.rate !== undefined && { overallRate: options.rate }),
        requests: [
          {
            method: 'POST',
            path: options.path ?? '/ingest',
            headers: { 'content-type': 'application/json' },
            setupRequest: (request) => ({ ...request, body: options.body() }),
          },
        ],
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    instance.on('response', (_client, _status, _bytes, responseTime: number) => {
      lastAnswer = performance.now();
      times.push(responseTime);
    });
  });
  const ok = result['2xx'];
  // From the start to the last answer: autocannon's own `duration` and `finish` come from its once-a-second sampling
  // tick, so a run of a few hundred requests would read as a whole number of seconds.
  const seconds = (lastAnswer - started) / 1000;
  return {
    requests: result.requests.total,
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    seconds: round(seconds),
    okPerSec: Math.round(ok / Math.max(seconds, 0.001)),
    p50Ms: round(percentile(times, 50)),
    p99Ms: round(percentile(times, 99)),
    loadAvg: loadAverage(),
  };
}

/** The nearest-rank `p`th percentile of `values` (NaN when there are none). */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
