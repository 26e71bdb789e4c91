'use client';
import { AnimatePresence, motion } from 'framer-motion';
import Link from 'next/link';
import { useEffect, useRef, useState } from 'react';
import type { LiveLog, LogLevel } from '@logstream/shared-types';
import { timeOf } from '@/lib/format';
import { mergeLiveRows } from '@/lib/live-rows';
import { liveSocket, useLiveEvent, useLiveStatus } from '@/lib/live-socket';

const LEVELS: LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];
/** Most rows kept on screen; older ones fall off the bottom. */
const MAX_ROWS = 500;

/** Live tail of `log:new` with service/level filters, pause/resume/clear and an arrival rate. */
export function LiveTail({ apiUrl, services }: { apiUrl: string; services: string[] }) {
  const status = useLiveStatus(apiUrl);
  const [rows, setRows] = useState<LiveLog[]>([]);
  const [paused, setPaused] = useState(false);
  const [pickedServices, setPickedServices] = useState<string[]>([]);
  const [pickedLevels, setPickedLevels] = useState<LogLevel[]>([]);
  const [rate, setRate] = useState(0);
  const arrivals = useRef<number[]>([]);
  const pausedRef = useRef(paused);
  pausedRef.current = paused;

  // Ask the server to send only what we show; the client filter below covers servers that ignore it.
  useEffect(() => {
    const socket = liveSocket(apiUrl);
    const send = () => socket.emit('live:filter', { services: pickedServices, levels: pickedLevels });
    send();
    socket.on('connect', send);
    return () => {
      socket.off('connect', send);
    };
  }, [apiUrl, pickedServices, pickedLevels]);

  useEffect(() => {
    const timer = setInterval(() => {
      const cutoff = Date.now() - 5_000;
      arrivals.current = arrivals.current.filter((t) => t >= cutoff);
      setRate(arrivals.current.length / 5);
    }, 1_000);
    return () => clearInterval(timer);
  }, []);

  useLiveEvent(apiUrl, 'log:new', (logs: LiveLog[]) => {
    const now = Date.now();
    const wanted = logs.filter(
      (l) =>
        (pickedServices.length === 0 || pickedServices.includes(l.service)) &&
        (pickedLevels.length === 0 || pickedLevels.includes(l.level)),
    );
    for (let i = 0; i < wanted.length; i += 1) arrivals.current.push(now);
    if (pausedRef.current || wanted.length === 0) return;
    setRows((previous) => mergeLiveRows(previous, wanted, MAX_ROWS));
  });

  const toggle = <T,>(list: T[], value: T) =>
    list.includes(value) ? list.filter((v) => v !== value) : [...list, value];
  const allServices = [...new Set([...services, ...rows.map((r) => r.service)])].sort();

  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 14 }}>
      <section className="card" style={{ display: 'flex', flexDirection: 'column', gap: 12 }}>
        <div className="spread" style={{ flexWrap: 'wrap' }}>
          <div className="row">
            <button
              type="button"
              className={`btn ${paused ? 'primary' : ''}`}
              onClick={() => setPaused(!paused)}
              data-testid="live-pause"
            >
              {paused ? '▶ Resume' : '❚❚ Pause'}
            </button>
            <button type="button" className="btn" onClick={() => setRows([])} data-testid="live-clear">
              Clear
            </button>
          </div>
          <div className="row">
            <span
              className={`badge ${status === 'live' ? 'ok' : status === 'unreachable' ? 'bad' : ''}`}
              data-testid="live-status"
            >
              <span className="dot" />
              {status === 'live'
                ? paused
                  ? 'paused'
                  : 'streaming'
                : status === 'unreachable'
                  ? 'API unreachable'
                  : 'connecting…'}
            </span>
            <span className="badge num" data-testid="live-rate" title="arrivals over the last 5 s">
              {rate.toFixed(1)} logs/s
            </span>
            <span className="badge num">
              {rows.length}/{MAX_ROWS}
            </span>
          </div>
        </div>
        <div className="row">
          <span className="stat-label" style={{ minWidth: 56 }}>
            Levels
          </span>
          {LEVELS.map((level) => (
            <label key={level} className="chip">
              <input
                type="checkbox"
                checked={pickedLevels.includes(level)}
                onChange={() => setPickedLevels(toggle(pickedLevels, level))}
              />
              <span className={`lv lv-${level}`} style={{ minWidth: 0, background: 'none', padding: 0 }}>
                {level}
              </span>
            </label>
          ))}
        </div>
        <div className="row">
          <span className="stat-label" style={{ minWidth: 56 }}>
            Services
          </span>
          {allServices.length === 0 && <span className="faint">any</span>}
          {allServices.map((service) => (
            <label key={service} className="chip">
              <input
                type="checkbox"
                checked={pickedServices.includes(service)}
                onChange={() => setPickedServices(toggle(pickedServices, service))}
              />
              {service}
            </label>
          ))}
        </div>
      </section>
      {rows.length === 0 ? (
        <div className="empty" data-testid="live-empty">
          <strong>{status === 'unreachable' ? 'API unreachable' : 'Waiting for logs…'}</strong>
          <span>
            {status === 'unreachable'
              ? `The browser cannot reach socket.io at ${apiUrl}. Live tail resumes when it can.`
              : 'New logs appear here as the API accepts them.'}
          </span>
        </div>
      ) : (
        <ul className="live-list" data-testid="live-list">
          <AnimatePresence initial={false}>
            {rows.map((row) => (
              <motion.li
                key={row.id}
                initial={{ opacity: 0, y: -8, backgroundColor: 'rgba(124,156,255,0.18)' }}
                animate={{ opacity: 1, y: 0, backgroundColor: 'rgba(124,156,255,0)' }}
                exit={{ opacity: 0 }}
                transition={{ duration: 0.35 }}
                data-testid="live-row"
              >
                <span className="mono faint">{timeOf(row.ts)}</span>
                <span className={`lv lv-${row.level}`}>{row.level}</span>
                <span className="mono svc" title={row.stream}>
                  {row.stream}
                </span>
                <Link
                  prefetch={false}
                  href={`/logs/${encodeURIComponent(row.id)}`}
                  style={{ color: 'inherit', wordBreak: 'break-word' }}
                >
                  {row.message}
                </Link>
              </motion.li>
            ))}
          </AnimatePresence>
        </ul>
      )}
    </div>
  );
}
