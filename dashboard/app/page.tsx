import { Suspense } from 'react';
import { CardSkeleton } from '@/components/skeleton';
import { config } from '@/lib/config';
import { OverviewOps, OverviewStats, OverviewVolume, ServiceCards } from './_overview/overview-widgets';
import { requireUser } from '@/lib/session';

export const metadata = { title: 'Overview' };

/** `/`: what is happening right now. */
export default async function OverviewPage() {
  await requireUser();
  const { publicApiUrl } = config();
  return (
    <>
      <header className="page-head">
        <div>
          <h1>Overview</h1>
          <p>What is happening right now · times in UTC</p>
        </div>
      </header>
      <Suspense
        fallback={
          <div className="grid grid-4 keep-2">
            {[0, 1, 2, 3].map((i) => (
              <CardSkeleton key={i} height={56} />
            ))}
          </div>
        }
      >
        <OverviewStats apiUrl={publicApiUrl} />
      </Suspense>
      <Suspense fallback={<CardSkeleton title="Volume by level · last 60 min" height={240} />}>
        <OverviewVolume />
      </Suspense>
      <Suspense
        fallback={
          <div className="grid grid-2">
            <CardSkeleton height={130} />
            <CardSkeleton height={130} />
          </div>
        }
      >
        <OverviewOps apiUrl={publicApiUrl} />
      </Suspense>
      <section>
        <div className="card-head">
          <h2>Services · last 60 min</h2>
        </div>
        <Suspense
          fallback={
            <div className="grid grid-3">
              <CardSkeleton height={80} />
              <CardSkeleton height={80} />
              <CardSkeleton height={80} />
            </div>
          }
        >
          <ServiceCards />
        </Suspense>
      </section>
    </>
  );
}
