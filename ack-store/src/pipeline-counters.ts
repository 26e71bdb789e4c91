import { defineScript, type RedisClient, type ScriptCall } from '@logstream/runtime';
import { ADD_COUNTS_SCRIPT } from './scripts/add-counts';

/** What the pipeline counts: logs accepted and requests refused (APIs); jobs completed and logs stored (workers). */
export type PipelineCounter = 'accepted' | 'refused' | 'completedJobs' | 'storedLogs';

/** Rates over a window of whole seconds, the same whichever process reads them. */
export interface PipelineRates {
  perSec: Record<PipelineCounter, number>;
  /** Median ingest → stored latency of the jobs completed in the window (from log-spaced buckets, ±10 %), or null. */
  e2eLatencyMs: number | null;
}

/** Options of {@link PipelineCounters}. */
export interface PipelineCountersOptions {
  /** How often counts gathered in memory are added to Redis. Default 500 ms. */
  flushMs?: number;
  /** How long a second's counts stay in Redis (longer than any window read). Default 30 s. */
  keepSeconds?: number;
}

const COUNTERS: PipelineCounter[] = ['accepted', 'refused', 'completedJobs', 'storedLogs'];
/** Latency buckets grow by 2^(1/4) (about 19 %); bucket b holds latencies up to 2^(b/4) ms. */
const BUCKETS_PER_DOUBLING = 4;

/** The Redis key of the pipeline's counters: one hash, `<second>:<counter>` → n and `<second>:lat:<bucket>` → jobs. */
export function pipelineCountersKey(prefix: string): string {
  return `${prefix}:stats`;
}

/**
 * The pipeline's rates shared by every API and worker process of a deployment: each process adds what it counted, per
 * second, to one hash in Redis (gathered in memory and sent every `flushMs` by a script that also drops the seconds
 * past `keepSeconds`, so counting costs nothing on the request path and Redis holds one bounded key), and any process
 * reads the same rates back over the last whole seconds. So backpressure's `Retry-After`, `/stats/snapshot` and the
 * dashboard agree whichever API replica answers. One key: on a Redis Cluster every command here touches one slot.
 */
export class PipelineCounters {
  private readonly pending = new Map<number, Map<string, number>>();
  private readonly flushMs: number;
  private readonly keepSeconds: number;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private readonly addCounts: ScriptCall;

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    options: PipelineCountersOptions = {},
  ) {
    this.flushMs = options.flushMs ?? 500;
    this.keepSeconds = options.keepSeconds ?? 30;
    this.addCounts = defineScript(redis, 'logstreamAddCounts', ADD_COUNTS_SCRIPT);
  }

  /** Starts sending counts every `flushMs`. */
  start(): void {
    this.timer ??= setInterval(() => void this.flush(), this.flushMs);
    this.timer.unref();
  }

  /** Stops the timer and sends what is left. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  /** Counts `n` of a counter now. */
  add(counter: PipelineCounter, n = 1, at = Date.now()): void {
    if (n !== 0) this.bump(Math.floor(at / 1000), counter, n);
  }

  /** Counts one completed job's ingest → stored latency. */
  addLatency(ms: number, at = Date.now()): void {
    const bucket = Math.max(0, Math.ceil(Math.log2(Math.max(ms, 1)) * BUCKETS_PER_DOUBLING));
    this.bump(Math.floor(at / 1000), `lat:${bucket}`, 1);
  }

  private bump(second: number, field: string, n: number): void {
    let fields = this.pending.get(second);
    if (!fields) this.pending.set(second, (fields = new Map()));
    fields.set(field, (fields.get(field) ?? 0) + n);
  }

  /** Adds the gathered counts to Redis; counts Redis refused are kept for the next flush while they are recent. */
  flush(): Promise<void> {
    this.flushing ??= this.send().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async send(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = [...this.pending];
    this.pending.clear();
    const args: (string | number)[] = [Math.floor(Date.now() / 1000), this.keepSeconds];
    for (const [second, fields] of batch) for (const [field, n] of fields) args.push(second, field, n);
    try {
      await this.addCounts([pipelineCountersKey(this.prefix)], args);
    } catch {
      // Kept for the next flush while still inside the kept window (the script would drop older ones anyway).
      const oldestKept = Date.now() / 1000 - this.keepSeconds;
      for (const [second, fields] of batch)
        if (second >= oldestKept) for (const [field, n] of fields) this.bump(second, field, n);
    }
  }

  /**
   * Rates over the `seconds` whole seconds that ended at least 1.5 flushes ago (so every process has sent them):
   * a pure read, the same answer from every process.
   */
  async rates(seconds: number, now = Date.now()): Promise<PipelineRates> {
    const [rates] = await this.ratesOver([seconds], now);
    return rates as PipelineRates;
  }

  /** {@link rates} over several windows (in seconds, each ending at the same second) from one read of the counters. */
  async ratesOver(windows: number[], now = Date.now()): Promise<PipelineRates[]> {
    const newest = Math.floor((now - this.flushMs * 1.5) / 1000) - 1;
    const hash = await this.redis.hgetall(pipelineCountersKey(this.prefix));
    return windows.map((seconds) => ratesOf(hash, newest - seconds + 1, newest));
  }
}

/** The rates of the seconds `oldest`..`newest` (inclusive) in the counters' hash. */
function ratesOf(hash: Record<string, string>, oldest: number, newest: number): PipelineRates {
  const seconds = newest - oldest + 1;
  const totals = Object.fromEntries(COUNTERS.map((counter) => [counter, 0])) as Record<
    PipelineCounter,
    number
  >;
  const latency = new Map<number, number>();
  for (const [field, value] of Object.entries(hash)) {
    const colon = field.indexOf(':');
    const second = Number(field.slice(0, colon));
    if (!(second >= oldest && second <= newest)) continue;
    const name = field.slice(colon + 1);
    if (name.startsWith('lat:')) {
      const bucket = Number(name.slice(4));
      latency.set(bucket, (latency.get(bucket) ?? 0) + Number(value));
    } else if (name in totals) totals[name as PipelineCounter] += Number(value);
  }
  const perSec = Object.fromEntries(
    COUNTERS.map((counter) => [counter, Math.round((totals[counter] / seconds) * 10) / 10]),
  ) as Record<PipelineCounter, number>;
  return { perSec, e2eLatencyMs: medianOfBuckets(latency) };
}

/** The median of a log-bucketed histogram, as its bucket's geometric middle. */
function medianOfBuckets(buckets: Map<number, number>): number | null {
  const total = [...buckets.values()].reduce((sum, n) => sum + n, 0);
  if (total === 0) return null;
  let seen = 0;
  for (const bucket of [...buckets.keys()].sort((a, b) => a - b)) {
    seen += buckets.get(bucket) as number;
    if (seen * 2 >= total) return Math.round(2 ** ((bucket - 0.5) / BUCKETS_PER_DOUBLING));
  }
  return null;
}
