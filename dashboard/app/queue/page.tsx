import { Suspense } from 'react';
import { CardSkeleton } from '@/components/skeleton';
import { QueueLive } from '@/components/queue-live';
import { config } from '@/lib/config';
import { dateTimeOf } from '@/lib/format';
import { queueHistory, queueStats } from '@/lib/request-data';
import { requireUser } from '@/lib/session';
import { BoardLink } from '@/components/board-link';

export const metadata = { title: 'Queue' };

async function QueueWidget({ apiUrl }: { apiUrl: string }) {
  const [stats, history] = await Promise.all([queueStats(), queueHistory()]);
  const snapshots = history.ok ? history.data.snapshots : [];
  return (
    <>
      {stats.ok ? (
        <p className="faint" style={{ margin: 0 }}>
          {snapshots.length > 0
            ? `History since ${dateTimeOf(snapshots[0]!.at)} UTC as the API kept it, then live.`
            : `Server snapshot at ${dateTimeOf(stats.data.at)} UTC, then live.`}
        </p>
      ) : (
        <p className="notice bad" data-testid="queue-unreachable">
          Current queue state unavailable: {stats.error}
        </p>
      )}
      <QueueLive apiUrl={apiUrl} initial={stats.ok ? stats.data : null} history={snapshots} />
    </>
  );
}

/** `/queue`: BullMQ ingest queue depth, workers and throughput. */
export default async function QueuePage() {
  const user = await requireUser();
  const { publicApiUrl, boardUrl } = config();
  return (
    <>
      <header className="page-head">
        <div>
          <h1>Queue</h1>
          <p>The BullMQ ingest queue between the API and the workers</p>
        </div>
        {user.role === 'admin' && <BoardLink href={boardUrl}>Open BullMQ board ↗</BoardLink>}
      </header>
      <Suspense fallback={<CardSkeleton height={260} />}>
        <QueueWidget apiUrl={publicApiUrl} />
      </Suspense>
    </>
  );
}
