'use client';
import { useState } from 'react';
import type { MetricsSnapshot, QueueCounts, QueueStats } from '@logstream/shared-types';
import { useLiveEvent, useLiveStatus } from '@/lib/live-socket';
import { TimeSeriesChart } from './charts/time-series-chart';

/** Samples kept in the browser: 10 minutes at one every 2 s. */
const MAX_SAMPLES = 300;

interface Sample {
  at: number;
  counts: QueueCounts;
  accepted: number | null;
  stored: number | null;
}

const COUNT_LINES: { key: keyof QueueCounts; color: string }[] = [
  { key: 'waiting', color: '#7c9cff' },
  { key: 'active', color: '#2ac3de' },
  { key: 'delayed', color: '#f5b43c' },
  { key: 'failed', color: '#ff6b6b' },
];

/** A kept snapshot as a chart sample. */
function sampleOf(s: MetricsSnapshot): Sample {
  return { at: Date.parse(s.at), counts: s.queue, accepted: s.acceptedPerSec, stored: s.storedPerSec };
}

/** The samples a page starts with: the API's kept history, then the server's current counts when newer. */
function firstSamples(history: MetricsSnapshot[], initial: QueueStats | null): Sample[] {
  const samples = history.map(sampleOf);
  const last = samples.at(-1);
  if (initial && (!last || Date.parse(initial.at) > last.at))
    samples.push({ at: Date.parse(initial.at), counts: initial.counts, accepted: null, stored: null });
  return samples.slice(-MAX_SAMPLES);
}

/**
 * Queue counts and throughput over time: the API's kept history of `metrics:snapshot` (so the charts show the minutes
 * before the page was opened), then `queue:stats` and `metrics:snapshot` as they arrive.
 */
export function QueueLive({
  apiUrl,
  initial,
  history,
}: {
  apiUrl: string;
  initial: QueueStats | null;
  history: MetricsSnapshot[];
}) {
  const status = useLiveStatus(apiUrl);
  const [samples, setSamples] = useState<Sample[]>(() => firstSamples(history, initial));
  const [workers, setWorkers] = useState(initial?.workers ?? null);
  const [backpressure, setBackpressure] = useState(initial?.backpressure ?? false);
  // A sample no newer than the last one kept (the history's newest snapshot arriving live again) is dropped.
  const add = (sample: Sample) =>
    setSamples((previous) =>
      sample.at <= (previous.at(-1)?.at ?? -Infinity) ? previous : [...previous, sample].slice(-MAX_SAMPLES),
    );
  useLiveEvent(apiUrl, 'metrics:snapshot', (s: MetricsSnapshot) => {
    add(sampleOf(s));
    setWorkers(s.workers);
  });
  useLiveEvent(apiUrl, 'queue:stats', (s: QueueStats) => {
    add({ at: Date.parse(s.at), counts: s.counts, accepted: null, stored: null });
    setWorkers(s.workers);
    setBackpressure(s.backpressure);
  });
  const last = samples.at(-1);
  const times = samples.map((s) => s.at);
  const rated = samples.filter((s) => s.stored !== null);
  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 16 }}>
      <div className="grid grid-4 keep-2">
        {(['waiting', 'active', 'delayed', 'failed', 'completed'] as const).slice(0, 4).map((k) => (
          <section key={k} className="card">
            <div className="stat-label">{k}</div>
            <div className="stat-value num" data-testid={`queue-${k}`}>
              {last ? last.counts[k] : '–'}
            </div>
          </section>
        ))}
      </div>
      <div className="row">
        <span className={`badge ${workers ? 'ok' : 'bad'}`} data-testid="queue-workers">
          <span className="dot" />
          {workers ?? 0} worker{workers === 1 ? '' : 's'} connected
        </span>
        {backpressure && <span className="badge bad">backpressure: ingest answers 429</span>}
        <span
          className="badge num"
          title="BullMQ keeps completed jobs only briefly (the API's JOB_KEEP_COMPLETED_S and JOB_KEEP_COMPLETED); older ones are removed, so this is not a total of work done"
          data-testid="queue-completed-kept"
        >
          completed jobs kept: {last?.counts.completed ?? '–'} (not a total)
        </span>
        {status !== 'live' && (
          <span className="badge bad">
            {status === 'unreachable' ? 'API unreachable: no live samples' : 'connecting…'}
          </span>
        )}
      </div>
      <div className="grid grid-2">
        <section className="card">
          <div className="card-head">
            <h2>Jobs by state</h2>
            <span className="faint" style={{ fontSize: 12 }}>
              up to {Math.round((MAX_SAMPLES * 2) / 60)} minutes back, one sample every 2 s
            </span>
          </div>
          {samples.length < 2 ? (
            <div className="empty">Collecting samples… (one every 2 s from the API)</div>
          ) : (
            <TimeSeriesChart
              times={times}
              lines={COUNT_LINES.map((l) => ({
                name: l.key,
                color: l.color,
                values: samples.map((s) => s.counts[l.key]),
              }))}
            />
          )}
        </section>
        <section className="card">
          <div className="card-head">
            <h2>Throughput (logs/s)</h2>
          </div>
          {rated.length < 2 ? (
            <div className="empty">Waiting for metrics snapshots…</div>
          ) : (
            <TimeSeriesChart
              times={rated.map((s) => s.at)}
              lines={[
                { name: 'accepted', color: '#7c9cff', values: rated.map((s) => s.accepted ?? 0) },
                { name: 'stored', color: '#3ecf8e', values: rated.map((s) => s.stored ?? 0) },
              ]}
            />
          )}
        </section>
      </div>
    </div>
  );
}
