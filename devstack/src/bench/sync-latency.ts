import { round, runLoad, type LoadResult } from './load';
import { batchBodies } from './payloads';

/** Latency of LogStream (answer after the enqueue) and of the synchronous baseline (answer after the insert). */
export interface SyncLatencyResult {
  ratePerSec: number;
  logsPerSec: number;
  seconds: number;
  logstream: LoadResult;
  syncBaseline: LoadResult;
  /** Baseline p99 ÷ LogStream p99. */
  p99Ratio: number;
}

/** The same 100-log requests at a fixed rate, first to LogStream (worker running), then to the synchronous baseline. */
export async function measureSyncLatency(options: {
  apiUrl: string;
  syncUrl: string;
  rate: number;
  seconds: number;
}): Promise<SyncLatencyResult> {
  const common = { connections: 8, rate: options.rate, seconds: options.seconds };
  const logstream = await runLoad({
    url: options.apiUrl,
    body: batchBodies('bench-latency').next,
    ...common,
  });
  const syncBaseline = await runLoad({
    url: options.syncUrl,
    body: batchBodies('bench-latency').next,
    ...common,
  });
  return {
    ratePerSec: options.rate,
    logsPerSec: options.rate * 100,
    seconds: options.seconds,
    logstream,
    syncBaseline,
    p99Ratio: round(syncBaseline.p99Ms / Math.max(logstream.p99Ms, 0.001)),
  };
}
