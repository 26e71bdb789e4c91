import type { JobLog } from '@logstream/shared-types';
import { logDocument, type LogDocument } from '@logstream/storage';

const LEVELS = ['debug', 'info', 'info', 'info', 'warn', 'error'];

function logLine(n: number, seq: number) {
  return {
    level: LEVELS[n % LEVELS.length],
    message: `GET /api/orders/${n % 977} answered 200 in ${n % 250} ms`,
    seq,
    requestId: `req_${Math.floor(n / 3)}`,
    meta: { route: '/api/orders/:id', status: 200 },
  };
}

/**
 * Bodies of one-log requests from `sessions` producers of one service, taking turns, each numbering its own logs
 * 1, 2, 3 … (like many services each sending a log as it happens). Returns a body maker and how many it made.
 */
export function singleLogBodies(service: string, sessions = 64): { next: () => string; sent: () => number } {
  const seqs = new Array<number>(sessions).fill(0);
  let made = 0;
  return {
    next: () => {
      const session = made % sessions;
      const seq = (seqs[session] = (seqs[session] ?? 0) + 1);
      made += 1;
      return JSON.stringify({ service, session: `p${session}`, ...logLine(made, seq) });
    },
    sent: () => made,
  };
}

/** Bodies of `perRequest`-log requests of one service and session, seqs continuing from one request to the next. */
export function batchBodies(service: string, perRequest = 100): { next: () => string; sent: () => number } {
  let made = 0;
  return {
    next: () => {
      const from = made + 1;
      made += perRequest;
      return JSON.stringify({
        service,
        session: 'bench',
        logs: Array.from({ length: perRequest }, (_, i) => logLine(from + i, from + i)),
      });
    },
    sent: () => made,
  };
}

/** A stored log as the worker writes it (storage's own `logDocument`, `words` and all), for the database ceiling. */
export function storedLogDocument(n: number, flushRef: string): LogDocument {
  const ts = new Date(Date.now() - (n % 60_000));
  const line = logLine(n, n);
  return logDocument(
    {
      id: `bench-ceiling#c@${n}`,
      service: 'bench-ceiling',
      session: 'c',
      seq: n,
      fp: 'f'.repeat(16),
      level: line.level as JobLog['level'],
      message: line.message,
      ts: ts.toISOString(),
      requestId: line.requestId,
      meta: line.meta,
    },
    { receivedAt: ts, storedAt: new Date(), batchId: `ceiling-${Math.floor(n / 100)}`, flushRef },
  );
}
