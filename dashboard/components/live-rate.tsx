'use client';
import { useState } from 'react';
import type { MetricsSnapshot } from '@logstream/shared-types';
import { useLiveEvent } from '@/lib/live-socket';

/** A number that follows `metrics:snapshot` once the socket delivers one; `initial` is the server's figure. */
export function LiveRate({
  apiUrl,
  initial,
  field,
  suffix = '',
}: {
  apiUrl: string;
  initial: number;
  field: 'storedPerSec' | 'acceptedPerSec' | 'refusedPerSec';
  suffix?: string;
}) {
  const [value, setValue] = useState(initial);
  const [live, setLive] = useState(false);
  useLiveEvent(apiUrl, 'metrics:snapshot', (s: MetricsSnapshot) => {
    setValue(s[field]);
    setLive(true);
  });
  return (
    <span
      data-testid={`live-${field}`}
      title={live ? 'live from metrics:snapshot' : 'from rollups (last 5 complete minutes)'}
    >
      {value.toFixed(value >= 100 ? 0 : 1)}
      {suffix}
    </span>
  );
}
