import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

const QUEUE_STATES = [
  'waiting',
  'active',
  'delayed',
  'failed',
  'completed',
  'paused',
  'prioritized',
] as const;

/**
 * The API's Prometheus metrics, all in one registry per process (see docs/operations.md for the list).
 * Queue depths are read from BullMQ when Prometheus scrapes, not on every request.
 */
export class ApiMetrics {
  readonly registry = new Registry();
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly logsAccepted: Counter;
  readonly logsRejected: Counter;
  readonly ingestRefused: Counter<'reason'>;

  constructor(options: { queues: Queue[]; logger: Logger; defaultMetrics?: boolean }) {
    const registers = [this.registry];
    if (options.defaultMetrics ?? true)
      collectDefaultMetrics({ register: this.registry, prefix: 'logstream_api_' });
    this.httpRequests = new Counter({
      name: 'logstream_api_http_requests_total',
      help: 'HTTP requests answered, by method, route and status code',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'logstream_api_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by method, route and status code',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.logsAccepted = new Counter({
      name: 'logstream_api_logs_accepted_total',
      help: 'Logs accepted by POST /ingest and enqueued',
      registers,
    });
    this.logsRejected = new Counter({
      name: 'logstream_api_logs_rejected_total',
      help: 'Logs refused by validation in POST /ingest (the other logs of their request may be accepted)',
      registers,
    });
    this.ingestRefused = new Counter({
      name: 'logstream_api_ingest_refused_total',
      help: 'POST /ingest requests refused as a whole, by error code (unauthorized, forbidden, rate_limited, backpressure …)',
      labelNames: ['reason'],
      registers,
    });
    const queues = options.queues;
    const logger = options.logger;
    new Gauge({
      name: 'logstream_api_queue_jobs',
      help: 'Jobs in a BullMQ queue by state, read at scrape time',
      labelNames: ['queue', 'state'],
      registers,
      async collect() {
        for (const queue of queues) {
          try {
            const counts = await queue.getJobCounts(...QUEUE_STATES);
            for (const state of QUEUE_STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0);
          } catch (error) {
            logger.warn({ err: error, queue: queue.name }, 'cannot read queue counts for /metrics');
          }
        }
      },
    });
  }
}
