'use client';
import { useState, useTransition } from 'react';
import type { FaultAction } from '@logstream/shared-types';
import { runControl, type ActionResult } from '@/app/actions';

const BUTTONS: { action: FaultAction; label: string; hint: string; tone?: string }[] = [
  {
    action: 'crash-worker',
    label: 'Crash worker',
    hint: 'Worker stops for 5 s; jobs wait, nothing is lost',
    tone: 'danger',
  },
  {
    action: 'network-failure',
    label: 'Network failure',
    hint: 'Ingest refuses requests for 10 s; producers buffer',
    tone: 'danger',
  },
  { action: 'delay-ack', label: 'Delay ACK', hint: 'Ingest answers 3 s late' },
  { action: 'flush-queue', label: 'Flush queue', hint: 'Drain waiting jobs now' },
  { action: 'reset', label: 'Reset', hint: 'Clear every fault' },
];

/** Fault-injection controls; each click runs the `runControl` server action. */
export function FaultButtons({ enabled }: { enabled: boolean | null }) {
  const [pending, start] = useTransition();
  const [result, setResult] = useState<ActionResult | null>(null);
  return (
    <div className="row" style={{ flexDirection: 'column', alignItems: 'stretch', gap: 10 }}>
      <div className="row">
        {BUTTONS.map((b) => (
          <button
            key={b.action}
            type="button"
            className={`btn small ${b.tone ?? ''}`}
            title={b.hint}
            disabled={pending}
            data-testid={`fault-${b.action}`}
            onClick={() => start(async () => setResult(await runControl(b.action)))}
          >
            {b.label}
          </button>
        ))}
      </div>
      {enabled === false && (
        <span className="faint">
          Fault injection is disabled on this API (it answers but refuses faults).
        </span>
      )}
      {result && (
        <span
          className={`badge ${result.ok ? 'ok' : 'bad'}`}
          role="status"
          style={{ whiteSpace: 'normal', alignSelf: 'flex-start' }}
        >
          {result.message}
        </span>
      )}
    </div>
  );
}
