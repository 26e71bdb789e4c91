import type { JobLog } from '@logstream/shared-types';
import type { PendingLog } from '../repositories/log-writer';
import { WorkerMetrics } from './worker-metrics';

const pending = (id: string, ageMs: number): PendingLog => ({
  log: { id, service: 'payment', level: 'info', message: id, ts: new Date().toISOString() } as JobLog,
  batchId: 'b',
  receivedAt: new Date(Date.now() - ageMs),
});

describe('WorkerMetrics.observeFlush', () => {
  it('counts stored and duplicate logs and observes latency only for newly stored ones', async () => {
    const metrics = new WorkerMetrics({ defaultMetrics: false });
    const items = [pending('a', 2_000), pending('b', 2_000), pending('c', 2_000)];
    metrics.observeFlush(
      { inserted: [items[0]!.log, items[1]!.log], duplicates: [items[2]!.log], recoveredFlushes: 0 },
      12,
      items,
    );
    const text = (await metrics.render()).body;
    expect(text).toContain('logstream_worker_logs_stored_total 2');
    expect(text).toContain('logstream_worker_duplicates_skipped_total 1');
    expect(text).toContain('logstream_worker_batch_size_count 1');
    expect(text).toContain('logstream_worker_batch_size_sum 3');
    expect(text).toContain('logstream_worker_e2e_latency_seconds_count 2');
    // Both stored logs waited about 2 s: they fall in the 2.5 s bucket, not the 1 s one.
    expect(text).toContain('logstream_worker_e2e_latency_seconds_bucket{le="1"} 0');
    expect(text).toContain('logstream_worker_e2e_latency_seconds_bucket{le="2.5"} 2');
    expect(text).toContain('logstream_worker_flush_duration_seconds_sum 0.012');
    expect(text).toContain('logstream_worker_insert_commands_total 0');
  });
});
