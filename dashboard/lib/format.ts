/** Formatting shared by server and client components. The dashboard shows every time in UTC. */

/** `10:32:05.123` (UTC). */
export function timeOf(value: Date | string): string {
  return new Date(value).toISOString().slice(11, 23);
}

/** `2026-11-22 10:32:05` (UTC). */
export function dateTimeOf(value: Date | string): string {
  return new Date(value).toISOString().slice(0, 19).replace('T', ' ');
}

/** `10:32` (UTC), for chart axes. */
export function minuteLabel(ms: number): string {
  return new Date(ms).toISOString().slice(11, 16);
}

/** 1234567 → `1.23M`. */
export function compact(n: number): string {
  if (!Number.isFinite(n)) return '–';
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${(n / 1e9).toFixed(2)}B`;
  if (abs >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (abs >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

/** A ratio as a percentage with one decimal. */
export function percent(ratio: number): string {
  return Number.isFinite(ratio) ? `${(ratio * 100).toFixed(ratio < 0.1 ? 2 : 1)}%` : '–';
}

/** A duration in ms as `850 ms`, `4.2 s`, `3 min`. */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

/** Per-level colours for charts (CSS uses the `--lv-*` variables; canvases need literal colours). */
export const LEVEL_COLORS: Record<string, string> = {
  trace: '#8a93a6',
  debug: '#7aa2f7',
  info: '#2ac3de',
  warn: '#f5b43c',
  error: '#ff6b6b',
  fatal: '#e05cff',
};

/**
 * How a stream's ACK state reads to a person. A stream that is being written to has seqs in flight (received above a
 * gap that is still arriving): that is normal, shown neutral as "receiving". Only open replay requests (the pipeline
 * asked the producer to resend) are a warning.
 */
export function streamHealth(ack: { status: 'ok' | 'partial'; replay: unknown[]; missing: unknown[] }): {
  label: string;
  tone: 'ok' | 'neutral' | 'warn';
  title: string;
} {
  if (ack.replay.length > 0)
    return { label: 'replaying', tone: 'warn', title: 'the producer is asked to resend missing seqs' };
  if (ack.status === 'partial' || ack.missing.length > 0)
    return {
      label: 'receiving',
      tone: 'neutral',
      title: 'some seqs above the ACK watermark are still arriving',
    };
  return { label: 'ok', tone: 'ok', title: 'every received seq is acknowledged' };
}
