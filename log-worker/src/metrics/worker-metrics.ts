import type { Worker } from 'bullmq';
import type { Connection } from 'mongoose';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { PendingLog, WriteResult } from '../repositories/log-writer';

/**
 * The worker's Prometheus metrics, one registry per process, served on the health server's `/metrics`
 * (see docs/operations.md for the list). `replays` is incremented by the replay watcher.
 */
export class WorkerMetrics {
  readonly registry = new Registry();
  readonly batchSize: Histogram;
  readonly flushDuration: Histogram;
  readonly endToEndLatency: Histogram;
  readonly logsStored: Counter;
  readonly duplicatesSkipped: Counter;
  readonly insertCommands: Counter;
  readonly dbCommands: Counter<'command'>;
  readonly deadLetters: Counter;
  readonly replays: Counter;
  readonly jobs: Counter<'outcome'>;
  private readonly buffered: Gauge;
  private bufferedSource: () => number = () => 0;

  constructor(options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (options.defaultMetrics ?? true)
      collectDefaultMetrics({ register: this.registry, prefix: 'logstream_worker_' });
    this.batchSize = new Histogram({
      name: 'logstream_worker_batch_size',
      help: 'Logs per bulk insert (flush), duplicates included',
      buckets: [1, 2, 5, 10, 20, 30, 40, 50, 100, 200, 500, 1000],
      registers,
    });
    this.flushDuration = new Histogram({
      name: 'logstream_worker_flush_duration_seconds',
      help: 'Time of one successful flush: the bulk insert and its rollup increments',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.endToEndLatency = new Histogram({
      name: 'logstream_worker_e2e_latency_seconds',
      help: 'From the API receiving a log (receivedAt) to the worker having stored it, per newly stored log',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.logsStored = new Counter({
      name: 'logstream_worker_logs_stored_total',
      help: 'Logs newly stored',
      registers,
    });
    this.duplicatesSkipped = new Counter({
      name: 'logstream_worker_duplicates_skipped_total',
      help: 'Logs found already stored (re-delivered job or resent seq) and not stored again',
      registers,
    });
    this.insertCommands = new Counter({
      name: 'logstream_worker_insert_commands_total',
      help: 'insert commands the MongoDB driver sent (command monitoring); one per bulk insert of logs',
      registers,
    });
    this.dbCommands = new Counter({
      name: 'logstream_worker_db_commands_total',
      help: 'Every command the MongoDB driver sent (command monitoring), by command name: insert, update, find, delete …',
      labelNames: ['command'],
      registers,
    });
    this.deadLetters = new Counter({
      name: 'logstream_worker_dead_letters_total',
      help: 'Ingest jobs that failed their last attempt and were dead-lettered',
      registers,
    });
    this.replays = new Counter({
      name: 'logstream_worker_replays_total',
      help: 'Replay requests issued to producers for missing seq ranges',
      registers,
    });
    this.jobs = new Counter({
      name: 'logstream_worker_jobs_total',
      help: 'Ingest jobs finished by this worker, by outcome (completed, or failed for one attempt)',
      labelNames: ['outcome'],
      registers,
    });
    const bufferedSource = () => this.bufferedSource();
    this.buffered = new Gauge({
      name: 'logstream_worker_buffered_logs',
      help: 'Logs held in memory waiting for a flush, read at scrape time',
      registers,
      collect() {
        this.set(bufferedSource());
      },
    });
  }

  /** For `LogSinkOptions.onFlushed`: sizes, durations and end-to-end latency of a successful flush. */
  observeFlush(result: WriteResult, durationMs: number, items: PendingLog[]): void {
    this.batchSize.observe(items.length);
    this.flushDuration.observe(durationMs / 1000);
    this.logsStored.inc(result.inserted.length);
    this.duplicatesSkipped.inc(result.duplicates.length);
    const stored = new Set(result.inserted.map((log) => log.id));
    const now = Date.now();
    for (const item of items) {
      if (stored.has(item.log.id))
        this.endToEndLatency.observe(Math.max(0, now - item.receivedAt.getTime()) / 1000);
    }
  }

  /** Counts database commands through the driver's command monitoring (connect with `monitorCommands: true`). */
  watchMongo(connection: Connection): void {
    connection.getClient().on('commandStarted', (event) => {
      if (event.commandName === 'insert') this.insertCommands.inc();
      this.dbCommands.inc({ command: event.commandName });
    });
  }

  /** Counts finished jobs of a worker and reads the sink's buffer size at scrape time. */
  watchWorker(worker: Worker, buffered?: () => number): void {
    worker.on('completed', () => this.jobs.inc({ outcome: 'completed' }));
    worker.on('failed', () => this.jobs.inc({ outcome: 'failed' }));
    if (buffered) this.bufferedSource = buffered;
  }

  /** For the health server's `metrics` option. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
