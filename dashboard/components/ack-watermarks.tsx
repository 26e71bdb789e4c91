import type { AckState } from '@logstream/shared-types';
import { streamHealth } from '@/lib/format';

/** A stream's watermarks as one bar: persisted ≤ acked ≤ highest, with missing and replay ranges marked. */
export function AckWatermarks({ ack }: { ack: AckState }) {
  const max = Math.max(1, ack.highestSeq);
  const health = streamHealth(ack);
  const pct = (n: number) => `${Math.min(100, (n / max) * 100).toFixed(2)}%`;
  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 6 }} data-testid="ack-stream">
      <div className="spread">
        <span className="mono">
          {ack.stream}
          {ack.session && <span className="faint"> · session {ack.session.slice(0, 8)}</span>}
        </span>
        <span
          className={`badge${health.tone === 'neutral' ? '' : ` ${health.tone}`}`}
          title={health.title}
          data-testid="stream-health"
        >
          {health.label}
        </span>
      </div>
      <div
        style={{
          position: 'relative',
          height: 10,
          borderRadius: 5,
          background: 'var(--bg-elev-2)',
          overflow: 'hidden',
        }}
        aria-hidden
      >
        <div
          style={{
            position: 'absolute',
            inset: 0,
            width: pct(ack.ackTill),
            background: 'color-mix(in srgb, var(--accent) 45%, transparent)',
          }}
        />
        <div
          style={{ position: 'absolute', inset: 0, width: pct(ack.persistedTill), background: 'var(--ok)' }}
        />
        {ack.missing.map(([a, b]) => (
          <div
            key={`m${a}`}
            title={`missing ${a}–${b}`}
            style={{
              position: 'absolute',
              top: 0,
              bottom: 0,
              left: pct(a - 1),
              width: `max(3px, ${pct(b - a + 1)})`,
              background: 'var(--bad)',
            }}
          />
        ))}
      </div>
      <div className="row faint num" style={{ fontSize: 12, gap: 14 }}>
        <span>persisted ≤ {ack.persistedTill}</span>
        <span>acked ≤ {ack.ackTill}</span>
        <span>highest {ack.highestSeq}</span>
        {ack.missing.length > 0 && (
          <span style={{ color: 'var(--bad)' }}>
            missing {ack.missing.map(([a, b]) => (a === b ? a : `${a}–${b}`)).join(', ')}
          </span>
        )}
        {ack.replay.length > 0 && (
          <span style={{ color: 'var(--lv-warn)' }}>
            replaying {ack.replay.map(([a, b]) => (a === b ? a : `${a}–${b}`)).join(', ')}
          </span>
        )}
      </div>
    </div>
  );
}
