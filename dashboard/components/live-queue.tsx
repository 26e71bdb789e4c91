'use client';
import { useState } from 'react';
import type { FaultState, MetricsSnapshot, QueueCounts, QueueStats } from '@logstream/shared-types';
import { useLiveEvent } from '@/lib/live-socket';

/** Queue counts, workers and faults: the server's last `GET /queue/stats`, then every socket update. */
export interface LiveQueueProps {
  apiUrl: string;
  initial: QueueStats | null;
  faults: FaultState | null;
}

const COUNT_KEYS: (keyof QueueCounts)[] = ['waiting', 'active', 'delayed', 'failed', 'completed'];

/** Compact queue and worker state for the overview. */
export function LiveQueue({ apiUrl, initial, faults: initialFaults }: LiveQueueProps) {
  const [counts, setCounts] = useState<QueueCounts | null>(initial?.counts ?? null);
  const [workers, setWorkers] = useState<number | null>(initial?.workers ?? null);
  const [faults, setFaults] = useState<FaultState | null>(initialFaults);
  useLiveEvent(apiUrl, 'metrics:snapshot', (s: MetricsSnapshot) => {
    setCounts(s.queue);
    setWorkers(s.workers);
    setFaults(s.faults);
  });
  useLiveEvent(apiUrl, 'queue:stats', (s: QueueStats) => {
    setCounts(s.counts);
    setWorkers(s.workers);
  });
  useLiveEvent(apiUrl, 'fault:state', setFaults);
  if (!counts) return <div className="empty">No queue figures yet: they appear once the API answers.</div>;
  const now = Date.now();
  const active = (until: string | null | undefined) => (until ? new Date(until).getTime() > now : false);
  const down = active(faults?.workerCrashedUntil) || workers === 0;
  return (
    <div className="row" style={{ flexDirection: 'column', alignItems: 'stretch', gap: 12 }}>
      <div className="grid grid-4 keep-2" style={{ gap: 10 }}>
        {COUNT_KEYS.slice(0, 4).map((k) => (
          <div key={k}>
            <div className="stat-label">{k}</div>
            <div className="stat-value num" style={{ fontSize: 22 }} data-testid={`queue-${k}`}>
              {counts[k]}
            </div>
          </div>
        ))}
      </div>
      <div className="row">
        <span className={`badge ${down ? 'bad' : 'ok'}`}>
          <span className="dot" />
          {workers ?? 0} worker{workers === 1 ? '' : 's'} {down ? '· down' : '· running'}
        </span>
        {active(faults?.networkFailureUntil) && <span className="badge bad">network failure</span>}
        {active(faults?.delayAckUntil) && (
          <span className="badge warn">ACK delayed {faults?.delayAckMs} ms</span>
        )}
      </div>
    </div>
  );
}
