import { Suspense } from 'react';
import type { ReplayRequest } from '@logstream/shared-types';
import { EmptyState } from '@/components/empty-state';
import { ReplayEvents } from '@/components/replay-events';
import { ReplayForm } from '@/components/replay-form';
import { CardSkeleton } from '@/components/skeleton';
import { config } from '@/lib/config';
import { dateTimeOf, duration } from '@/lib/format';
import { latestReplays } from '@/lib/replays-repo';
import { ackStates } from '@/lib/request-data';
import { requireUser } from '@/lib/session';

export const metadata = { title: 'Replay' };

const TONE: Record<ReplayRequest['status'], string> = {
  pending: '',
  requested: 'warn',
  completed: 'ok',
  expired: 'bad',
};

function took(r: ReplayRequest): string {
  const end = r.completedAt ?? r.expiredAt;
  return end ? duration(Date.parse(end) - Date.parse(r.createdAt)) : '…';
}

async function ReplayTable() {
  const replays = await latestReplays();
  if (replays.length === 0)
    return (
      <EmptyState title="No replay requests">
        Gaps in numbered streams, and manual triggers, show up here.
      </EmptyState>
    );
  return (
    <div className="table-wrap">
      <table data-testid="replay-table">
        <thead>
          <tr>
            <th>Created (UTC)</th>
            <th>Stream</th>
            <th>Seqs</th>
            <th>Status</th>
            <th className="hide-sm">Origin</th>
            <th className="hide-sm">Requested</th>
            <th>Took</th>
          </tr>
        </thead>
        <tbody>
          {replays.map((r) => (
            <tr key={r.id}>
              <td className="mono ts">{dateTimeOf(r.createdAt)}</td>
              <td className="mono" style={{ whiteSpace: 'nowrap' }}>
                {r.stream}
              </td>
              <td className="mono num" style={{ whiteSpace: 'nowrap' }}>
                {r.from}–{r.to} <span className="faint">({r.to - r.from + 1})</span>
              </td>
              <td>
                <span className={`badge ${TONE[r.status]}`}>{r.status}</span>
              </td>
              <td className="hide-sm">{r.origin}</td>
              <td className="mono hide-sm">{r.requestedAt ? dateTimeOf(r.requestedAt).slice(11) : '–'}</td>
              <td className="num">{took(r)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

async function TriggerCard() {
  const acks = await ackStates();
  return (
    <>
      {!acks.ok && (
        <p className="notice bad" style={{ marginBottom: 12 }}>
          Triggers fail until the API answers: {acks.error}
        </p>
      )}
      <ReplayForm streams={acks.ok ? acks.data.streams.map((s) => s.stream) : []} />
    </>
  );
}

/** `/replay`: replay requests (from the `replays` collection), a manual trigger, and live replay events. */
export default async function ReplayPage() {
  const user = await requireUser();
  return (
    <>
      <header className="page-head">
        <div>
          <h1>Replay</h1>
          <p>Gaps the API found in numbered streams, and what producers resent</p>
        </div>
      </header>
      <div className="grid grid-2">
        {user.role === 'admin' ? (
          <section className="card">
            <div className="card-head">
              <h2>Request a replay</h2>
            </div>
            <Suspense fallback={<div className="skeleton" style={{ height: 56 }} />}>
              <TriggerCard />
            </Suspense>
          </section>
        ) : (
          <section className="card">
            <div className="card-head">
              <h2>Request a replay</h2>
            </div>
            <p className="muted" data-testid="admin-only">
              Manual replays are for admins; gaps found by the watcher are requested automatically.
            </p>
          </section>
        )}
        <section className="card">
          <div className="card-head">
            <h2>Live events</h2>
          </div>
          <ReplayEvents apiUrl={config().publicApiUrl} />
        </section>
      </div>
      <section className="card">
        <div className="card-head">
          <h2>Requests</h2>
        </div>
        <Suspense fallback={<CardSkeleton height={200} />}>
          <ReplayTable />
        </Suspense>
      </section>
    </>
  );
}
