import Link from 'next/link';
import { Suspense } from 'react';
import { CardSkeleton } from '@/components/skeleton';
import { findLog } from '@/lib/logs-repo';
import { LogDetail } from '../_components/log-detail';
import { requireUser } from '@/lib/session';

export const metadata = { title: 'Log' };

/** Next hands the segment over still percent-encoded in some paths; decode once, tolerating plain ids. */
function decodeId(raw: string): string {
  try {
    return /%[0-9a-f]{2}/i.test(raw) ? decodeURIComponent(raw) : raw;
  } catch {
    return raw;
  }
}

/** `/logs/[id]`: the permalink of one log. */
export default async function LogPage({ params }: { params: Promise<{ id: string }> }) {
  await requireUser();
  const id = decodeId((await params).id);
  const log = await findLog(id);
  if (!log)
    return (
      <section className="card" data-testid="log-not-found">
        <h1>Log not found</h1>
        <p className="muted">
          No stored log has the id <span className="mono">{id}</span>. It may have been deleted by retention.
        </p>
        <Link href="/logs" className="btn">
          Search logs
        </Link>
      </section>
    );
  return (
    <>
      <header className="page-head">
        <div>
          <h1>
            Log{' '}
            <span className="mono" style={{ fontSize: 18 }}>
              {log.id}
            </span>
          </h1>
          <p>
            <Link
              href={`/logs?service=${encodeURIComponent(log.service)}&from=${new Date(Date.parse(log.ts) - 300_000).toISOString()}&to=${new Date(Date.parse(log.ts) + 300_000).toISOString()}`}
            >
              ← {log.service} logs within 5 minutes of this one
            </Link>
          </p>
        </div>
      </header>
      <section className="card">
        <Suspense fallback={<CardSkeleton height={300} />}>
          <LogDetail log={log} />
        </Suspense>
      </section>
    </>
  );
}
