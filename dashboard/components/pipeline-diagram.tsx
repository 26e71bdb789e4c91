'use client';
import { motion } from 'framer-motion';
import { useState } from 'react';
import type { FaultState, MetricsSnapshot } from '@logstream/shared-types';
import { useLiveEvent, useLiveStatus } from '@/lib/live-socket';

const NODES = [
  { id: 'producers', label: 'Producers', sub: 'SDK · simulator', x: 80 },
  { id: 'api', label: 'Ingestion API', sub: 'POST /ingest', x: 292 },
  { id: 'queue', label: 'Redis · BullMQ', sub: 'ingest queue', x: 504 },
  { id: 'worker', label: 'Log worker', sub: 'batch insert', x: 716 },
  { id: 'mongo', label: 'MongoDB', sub: 'logs · rollups', x: 928 },
] as const;
const Y = 120;
const W = 140;
const H = 74;

const isOn = (until: string | null | undefined) => (until ? Date.parse(until) > Date.now() : false);

function Flow({
  x1,
  x2,
  rate,
  color,
  broken,
}: {
  x1: number;
  x2: number;
  rate: number;
  color: string;
  broken: boolean;
}) {
  // More logs/s → more and faster dots, capped so the picture stays readable.
  const dots = broken || rate <= 0 ? 0 : Math.min(6, 1 + Math.floor(Math.log10(1 + rate) * 2));
  const seconds = Math.max(0.6, 2.4 - Math.log10(1 + rate) * 0.6);
  return (
    <g>
      <line
        x1={x1}
        y1={Y}
        x2={x2}
        y2={Y}
        stroke={broken ? 'var(--bad)' : 'var(--border-strong)'}
        strokeWidth={2}
        strokeDasharray={broken ? '6 6' : undefined}
      />
      {Array.from({ length: dots }, (_, i) => (
        <motion.circle
          key={`${dots}-${i}`}
          r={4}
          cy={Y}
          fill={color}
          initial={{ cx: x1, opacity: 0 }}
          animate={{ cx: [x1, x2], opacity: [0, 1, 1, 0] }}
          transition={{ duration: seconds, repeat: Infinity, ease: 'linear', delay: (i * seconds) / dots }}
        />
      ))}
      {broken && (
        <text
          x={(x1 + x2) / 2}
          y={Y + 5}
          textAnchor="middle"
          fontSize={20}
          fill="var(--bad)"
          fontWeight={700}
        >
          ✕
        </text>
      )}
    </g>
  );
}

function EdgeLabel({ x, text, tone }: { x: number; text: string; tone?: string }) {
  return (
    <text
      x={x}
      y={Y - 52}
      textAnchor="middle"
      fontSize={12}
      fill={tone ?? 'var(--text-dim)'}
      style={{ fontVariantNumeric: 'tabular-nums' }}
    >
      {text}
    </text>
  );
}

/** The pipeline as a live diagram: rates on each edge and faults drawn where they bite. */
export function PipelineDiagram({ apiUrl, initial }: { apiUrl: string; initial: MetricsSnapshot | null }) {
  const status = useLiveStatus(apiUrl);
  const [snap, setSnap] = useState<MetricsSnapshot | null>(initial);
  const [faults, setFaults] = useState<FaultState | null>(initial?.faults ?? null);
  useLiveEvent(apiUrl, 'metrics:snapshot', (s: MetricsSnapshot) => {
    setSnap(s);
    setFaults(s.faults);
  });
  useLiveEvent(apiUrl, 'fault:state', setFaults);
  const apiDown = status === 'unreachable' && !snap;
  const network = isOn(faults?.networkFailureUntil);
  const workerDown = isOn(faults?.workerCrashedUntil) || snap?.workers === 0;
  const delay = isOn(faults?.delayAckUntil);
  const accepted = snap?.acceptedPerSec ?? 0;
  const stored = snap?.storedPerSec ?? 0;
  const depth = snap ? snap.queue.waiting + snap.queue.active + snap.queue.delayed : 0;
  const edges = [
    {
      from: 0,
      rate: accepted,
      label: `${accepted.toFixed(1)}/s in${snap?.refusedPerSec ? ` · ${snap.refusedPerSec.toFixed(1)}/s refused` : ''}`,
      broken: network || apiDown,
      color: '#7c9cff',
    },
    {
      from: 1,
      rate: accepted,
      label: `${accepted.toFixed(1)}/s enqueued`,
      broken: apiDown,
      color: '#7c9cff',
    },
    { from: 2, rate: stored, label: `${depth} waiting`, broken: workerDown, color: '#2ac3de' },
    { from: 3, rate: stored, label: `${stored.toFixed(1)}/s stored`, broken: workerDown, color: '#3ecf8e' },
  ];
  const nodeTone: Record<string, string> = {
    api: apiDown || network ? 'var(--bad)' : delay ? 'var(--lv-warn)' : 'var(--accent)',
    worker: workerDown ? 'var(--bad)' : 'var(--ok)',
  };
  return (
    <div className="pipeline-wrap" data-testid="pipeline">
      <svg viewBox="0 0 1008 236" role="img" aria-label="Pipeline diagram">
        {edges.map((e) => {
          const a = NODES[e.from] as (typeof NODES)[number];
          const b = NODES[e.from + 1] as (typeof NODES)[number];
          return (
            <g key={a.id}>
              <Flow x1={a.x + W / 2} x2={b.x - W / 2} rate={e.rate} color={e.color} broken={e.broken} />
              <EdgeLabel x={(a.x + b.x) / 2} text={e.label} tone={e.broken ? 'var(--bad)' : undefined} />
            </g>
          );
        })}
        {NODES.map((n) => {
          const tone = nodeTone[n.id] ?? 'var(--accent)';
          const faulted = tone === 'var(--bad)';
          return (
            <g key={n.id} data-testid={`node-${n.id}`}>
              <motion.rect
                x={n.x - W / 2}
                y={Y - H / 2}
                width={W}
                height={H}
                rx={12}
                fill="var(--bg-elev-2)"
                stroke={tone}
                strokeWidth={2}
                animate={faulted ? { opacity: [1, 0.55, 1] } : { opacity: 1 }}
                transition={faulted ? { duration: 1.2, repeat: Infinity } : { duration: 0.2 }}
              />
              <text x={n.x} y={Y - 4} textAnchor="middle" fontSize={14} fontWeight={650} fill="var(--text)">
                {n.label}
              </text>
              <text x={n.x} y={Y + 16} textAnchor="middle" fontSize={11.5} fill="var(--text-faint)">
                {n.sub}
              </text>
            </g>
          );
        })}
        {network && <Callout x={186} text="network failure: ingest refused" />}
        {delay && (
          <Callout x={292} text={`ACK delayed ${faults?.delayAckMs ?? 0} ms`} tone="var(--lv-warn)" />
        )}
        {workerDown && (
          <Callout
            x={716}
            text={
              snap?.workers === 0 && !isOn(faults?.workerCrashedUntil)
                ? 'no worker connected'
                : 'worker down: jobs wait in Redis'
            }
          />
        )}
        {apiDown && <Callout x={292} text="API unreachable" />}
        {snap?.e2eLatencyMs != null && (
          <text x={504} y={224} textAnchor="middle" fontSize={12} fill="var(--text-dim)">
            ingest → stored median {Math.round(snap.e2eLatencyMs)} ms · {snap.workers} worker
            {snap.workers === 1 ? '' : 's'}
          </text>
        )}
      </svg>
    </div>
  );
}

function Callout({ x, text, tone = 'var(--bad)' }: { x: number; text: string; tone?: string }) {
  return (
    <g>
      <rect x={x - 110} y={Y + H / 2 + 12} width={220} height={26} rx={13} fill="var(--bg)" stroke={tone} />
      <text x={x} y={Y + H / 2 + 29} textAnchor="middle" fontSize={12} fontWeight={600} fill={tone}>
        {text}
      </text>
    </g>
  );
}
