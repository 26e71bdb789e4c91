'use client';
import { useLiveStatus } from '@/lib/live-socket';

const LABELS = { connecting: 'Connecting…', live: 'API live', unreachable: 'API unreachable' } as const;

/** Header badge: whether the browser reaches the ingestion API's socket.io server. */
export function ApiBadge({ apiUrl }: { apiUrl: string }) {
  const status = useLiveStatus(apiUrl);
  const tone = status === 'live' ? 'ok' : status === 'unreachable' ? 'bad' : '';
  return (
    <span
      className={`badge ${tone}`}
      data-testid="api-badge"
      data-status={status}
      title={`socket.io at ${apiUrl}`}
    >
      <span className="dot" />
      {LABELS[status]}
    </span>
  );
}
