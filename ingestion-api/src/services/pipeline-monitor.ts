import { QueueEvents, type ConnectionOptions, type Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { FaultStore } from '@logstream/ack-store';
import type { IngestJobData, MetricsSnapshot, QueueCounts, QueueStats } from '@logstream/shared-types';
import { AppError } from '../errors';

/** Options of the {@link PipelineMonitor}. */
export interface PipelineMonitorOptions {
  /** Waiting jobs at which ingest starts answering 429. */
  highWaterMark: number;
  /** Waiting jobs below which it accepts again (hysteresis). */
  lowWaterMark: number;
  /** How often counts are refreshed (the ingest path reads the cached value). */
  refreshMs: number;
}

const median = (values: number[]) => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? null;
};

/**
 * Watches the ingest queue: job counts, workers, drain rate (completed jobs per second from queue events), stored logs
 * and end-to-end latency. Decides backpressure with hysteresis, and builds the snapshots pushed every 2 s.
 */
export class PipelineMonitor {
  private counts: QueueCounts = { waiting: 0, active: 0, completed: 0, failed: 0, delayed: 0 };
  private workers = 0;
  private shedding = false;
  private drainPerSec = 0;
  private windowStart = Date.now();
  private completedJobs = 0;
  private storedLogs = 0;
  private acceptedLogs = 0;
  private refused = 0;
  private latencies: number[] = [];
  private last: MetricsSnapshot | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly events: QueueEvents;

  constructor(
    private readonly queue: Queue<IngestJobData>,
    private readonly faults: FaultStore,
    private readonly options: PipelineMonitorOptions,
    private readonly logger: Logger,
    connection: ConnectionOptions,
    prefix: string,
  ) {
    this.events = new QueueEvents(queue.name, { connection, prefix });
    this.events.on('completed', ({ returnvalue }) => {
      this.completedJobs += 1;
      const value = (typeof returnvalue === 'string' ? safeJson(returnvalue) : returnvalue) as
        { stored?: number; e2eMs?: number } | undefined;
      this.storedLogs += value?.stored ?? 0;
      if (typeof value?.e2eMs === 'number' && this.latencies.length < 10_000)
        this.latencies.push(value.e2eMs);
    });
  }

  /** Starts refreshing counts. */
  async start(): Promise<void> {
    await this.events.waitUntilReady();
    await this.refresh();
    this.timer = setInterval(
      () => void this.refresh().catch((e: unknown) => this.logger.warn({ err: e }, 'refresh failed')),
      this.options.refreshMs,
    );
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.events.close();
  }

  /** Counts a request's accepted logs (for the accepted rate). */
  noteAccepted(logs: number): void {
    this.acceptedLogs += logs;
  }

  /** Counts a refused request (4xx/5xx). */
  noteRefused(): void {
    this.refused += 1;
  }

  private async refresh(): Promise<void> {
    const counts = await this.queue.getJobCounts(
      'waiting',
      'active',
      'completed',
      'failed',
      'delayed',
      'prioritized',
    );
    this.counts = {
      waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
      active: counts.active ?? 0,
      completed: counts.completed ?? 0,
      failed: counts.failed ?? 0,
      delayed: counts.delayed ?? 0,
    };
    this.workers = await this.queue.getWorkersCount();
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

  /** Rates since the previous snapshot, then starts a new window. */
  async snapshot(): Promise<MetricsSnapshot> {
    const now = Date.now();
    const seconds = Math.max((now - this.windowStart) / 1000, 0.001);
    this.drainPerSec = this.completedJobs / seconds;
    const snapshot: MetricsSnapshot = {
      at: new Date(now).toISOString(),
      acceptedPerSec: round(this.acceptedLogs / seconds),
      storedPerSec: round(this.storedLogs / seconds),
      refusedPerSec: round(this.refused / seconds),
      e2eLatencyMs: median(this.latencies),
      queue: this.counts,
      workers: this.workers,
      faults: await this.faults.state(),
    };
    this.windowStart = now;
    this.completedJobs = this.storedLogs = this.acceptedLogs = this.refused = 0;
    this.latencies = [];
    this.last = snapshot;
    return snapshot;
  }

  /** The latest snapshot (a first one is taken if none exists yet). */
  async latest(): Promise<MetricsSnapshot> {
    return this.last ?? this.snapshot();
  }
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
