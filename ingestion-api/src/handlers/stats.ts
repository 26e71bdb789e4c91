import type { Handler } from '../http/types';
import type { MetricsHistory } from '../services/metrics-history';
import type { PipelineMonitor } from '../services/pipeline-monitor';

/** `GET /queue/stats`: job counts, workers, whether backpressure is on. */
export function queueStatsHandler(monitor: PipelineMonitor): Handler {
  return async () => ({ status: 200, body: monitor.queueStats() });
}

/** `GET /stats/snapshot`: the latest 2-second snapshot (the same as the `metrics:snapshot` event). */
export function snapshotHandler(monitor: PipelineMonitor): Handler {
  return async () => ({ status: 200, body: await monitor.latest() });
}

/** `GET /queue/history`: the kept metrics snapshots, oldest first (the Queue page's charts start from them). */
export function queueHistoryHandler(history: MetricsHistory): Handler {
  return async () => ({ status: 200, body: { snapshots: await history.recent() } });
}
