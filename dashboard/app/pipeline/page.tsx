import { Suspense } from 'react';
import { MetricsSnapshot } from '@logstream/shared-types';
import { FaultButtons } from '@/components/fault-buttons';
import { PipelineDiagram } from '@/components/pipeline-diagram';
import { CardSkeleton } from '@/components/skeleton';
import { apiGet } from '@/lib/api';
import { config } from '@/lib/config';
import { requireUser } from '@/lib/session';

export const metadata = { title: 'Pipeline' };

async function DiagramWidget({ apiUrl }: { apiUrl: string }) {
  const snapshot = await apiGet('/stats/snapshot', MetricsSnapshot);
  return (
    <section className="card">
      <div className="card-head">
        <h2>Producers → API → Redis/BullMQ → worker → MongoDB</h2>
        {!snapshot.ok && (
          <span className="badge bad" data-testid="pipeline-unreachable">
            {snapshot.error}
          </span>
        )}
      </div>
      <PipelineDiagram apiUrl={apiUrl} initial={snapshot.ok ? snapshot.data : null} />
    </section>
  );
}

/** `/pipeline`: the data path, animated with live rates and faults. */
export default async function PipelinePage() {
  const user = await requireUser();
  const { publicApiUrl } = config();
  return (
    <>
      <header className="page-head">
        <div>
          <h1>Pipeline</h1>
          <p>Live rates on every hop; injected faults are drawn where they bite</p>
        </div>
      </header>
      <Suspense fallback={<CardSkeleton height={240} />}>
        <DiagramWidget apiUrl={publicApiUrl} />
      </Suspense>
      {user.role === 'admin' && (
        <section className="card">
          <div className="card-head">
            <h2>Inject a fault</h2>
          </div>
          <FaultButtons enabled={null} />
        </section>
      )}
    </>
  );
}
