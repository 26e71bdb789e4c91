'use client';
import { AnimatePresence, motion } from 'framer-motion';
import { useState } from 'react';
import type { ReplayRequest } from '@logstream/shared-types';
import { timeOf } from '@/lib/format';
import { useLiveEvent, useLiveStatus } from '@/lib/live-socket';

type ReplayEvent = { kind: 'requested' | 'completed'; replay: ReplayRequest; at: number };

/** Replay requests and completions as the API announces them. */
export function ReplayEvents({ apiUrl }: { apiUrl: string }) {
  const status = useLiveStatus(apiUrl);
  const [events, setEvents] = useState<ReplayEvent[]>([]);
  const push = (kind: ReplayEvent['kind']) => (replay: ReplayRequest) =>
    setEvents((previous) => [{ kind, replay, at: Date.now() }, ...previous].slice(0, 50));
  useLiveEvent(apiUrl, 'replay:requested', push('requested'));
  useLiveEvent(apiUrl, 'replay:completed', push('completed'));
  if (events.length === 0) {
    return (
      <div className="empty">
        <strong>{status === 'unreachable' ? 'API unreachable' : 'No replay events yet'}</strong>
        <span>Requests and completions appear here the moment the API announces them.</span>
      </div>
    );
  }
  return (
    <ul className="live-list" style={{ maxHeight: 220 }}>
      <AnimatePresence initial={false}>
        {events.map((e) => (
          <motion.li
            key={`${e.kind}${e.replay.id}${e.at}`}
            initial={{ opacity: 0, x: -12 }}
            animate={{ opacity: 1, x: 0 }}
            transition={{ duration: 0.3 }}
          >
            <span className="mono faint">{timeOf(new Date(e.at))}</span>
            <span className={`badge ${e.kind === 'completed' ? 'ok' : 'warn'}`}>{e.kind}</span>
            <span className="mono svc">{e.replay.stream}</span>
            <span className="mono">
              seq {e.replay.from}–{e.replay.to}
            </span>
          </motion.li>
        ))}
      </AnimatePresence>
    </ul>
  );
}
