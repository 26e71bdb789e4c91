import type { Logger } from 'pino';
import type { FaultStore, PipelineCounters, PipelineRates } from '@logstream/ack-store';
import type { IngestQueues } from '@logstream/runtime';
import type { MetricsSnapshot, QueueCounts, QueueStats } from '@logstream/shared-types';
import { AppError } from '../errors';

/** Options of the {@link PipelineMonitor}. */
export interface PipelineMonitorOptions {
  /** Waiting jobs at which ingest starts answering 429. */
  highWaterMark: number;
  /** Waiting jobs below which it accepts again (hysteresis). */
  lowWaterMark: number;
  /** How often counts are refreshed (the ingest path reads the cached value). */
  refreshMs: number;
  /** Seconds the rates of a snapshot are taken over. Default 2 (the announcer's period). */
  rateWindowS?: number;
  /** Seconds the drain rate behind `Retry-After` is taken over. Default 5. */
  drainWindowS?: number;
}

const NO_RATES: PipelineRates = {
  perSec: { accepted: 0, refused: 0, completedJobs: 0, storedLogs: 0 },
  e2eLatencyMs: null,
};

/**
 * Watches the ingest queues: job counts (summed over every queue), workers, and the pipeline's rates — accepted and
 * refused (counted by every API), jobs completed, logs stored and end-to-end latency (counted by every worker) — from
 * the {@link PipelineCounters} shared in Redis. Every API replica refreshes the same numbers from Redis, so they agree
 * on backpressure (with hysteresis), on `Retry-After` and on `/stats/snapshot`.
 */
export class PipelineMonitor {
  private counts: QueueCounts = { waiting: 0, active: 0, completed: 0, failed: 0, delayed: 0 };
  private workers = 0;
  private shedding = false;
  private drainPerSec = 0;
  private rates: PipelineRates = NO_RATES;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly queues: IngestQueues,
    private readonly faults: FaultStore,
    private readonly counters: PipelineCounters,
    private readonly options: PipelineMonitorOptions,
    private readonly logger: Logger,
  ) {}

  /** Starts refreshing counts and sending this process's counts. */
  async start(): Promise<void> {
    this.counters.start();
    await this.refresh();
    this.timer = setInterval(
      () => void this.refresh().catch((e: unknown) => this.logger.warn({ err: e }, 'refresh failed')),
      this.options.refreshMs,
    );
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.counters.stop().catch(() => undefined);
  }

  /** Counts a request's accepted logs (for the accepted rate). */
  noteAccepted(logs: number): void {
    this.counters.add('accepted', logs);
  }

  /** Counts a refused request (4xx/5xx). */
  noteRefused(): void {
    this.counters.add('refused');
  }

  private async refresh(): Promise<void> {
    const [counts, workers, [rates = NO_RATES, drain = NO_RATES]] = await Promise.all([
      this.queues.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized'),
      this.queues.getWorkersCount(),
      this.counters.ratesOver([this.options.rateWindowS ?? 2, this.options.drainWindowS ?? 5]),
    ]);
    this.counts = {
      waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
      active: counts.active ?? 0,
      completed: counts.completed ?? 0,
      failed: counts.failed ?? 0,
      delayed: counts.delayed ?? 0,
    };
    this.workers = workers;
    this.rates = rates;
    this.drainPerSec = drain.perSec.completedJobs;
    const wasShedding = this.shedding;
    if (this.counts.waiting >= this.options.highWaterMark) this.shedding = true;
    else if (this.counts.waiting < this.options.lowWaterMark) this.shedding = false;
    if (wasShedding !== this.shedding) {
      this.logger.warn(
        { waiting: this.counts.waiting, shedding: this.shedding },
        this.shedding ? 'backpressure on' : 'backpressure off',
      );
    }
  }

  /** Throws 429 with `Retry-After` (from the drain rate) while too many jobs wait. */
  assertAccepting(): void {
    if (!this.shedding) return;
    const excess = this.counts.waiting - this.options.lowWaterMark;
    const seconds = Math.min(60, Math.max(1, Math.ceil(excess / Math.max(this.drainPerSec, 1))));
    throw new AppError(
      'backpressure',
      `the queue holds ${this.counts.waiting} waiting batches (limit ${this.options.highWaterMark}); retry in ${seconds} s`,
      {
        waiting: this.counts.waiting,
        highWaterMark: this.options.highWaterMark,
        drainPerSec: this.drainPerSec,
      },
      { headers: { 'Retry-After': String(seconds) } },
    );
  }

  /** The queue as `GET /queue/stats` shows it. */
  queueStats(): QueueStats {
    return {
      at: new Date().toISOString(),
      counts: this.counts,
      workers: this.workers,
      backpressure: this.shedding,
    };
  }

  /** The pipeline now: rates over the last whole seconds from the shared counters, the same on every replica. */
  async snapshot(): Promise<MetricsSnapshot> {
    return {
      at: new Date().toISOString(),
      acceptedPerSec: this.rates.perSec.accepted,
      storedPerSec: this.rates.perSec.storedLogs,
      refusedPerSec: this.rates.perSec.refused,
      e2eLatencyMs: this.rates.e2eLatencyMs,
      queue: this.counts,
      workers: this.workers,
      faults: await this.faults.state(),
    };
  }

  /** The latest snapshot (for `GET /stats/snapshot`). */
  latest(): Promise<MetricsSnapshot> {
    return this.snapshot();
  }
}
