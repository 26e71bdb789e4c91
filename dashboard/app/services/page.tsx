import Link from 'next/link';
import { Suspense } from 'react';
import type { AckState } from '@logstream/shared-types';
import { AckWatermarks } from '@/components/ack-watermarks';
import { Sparkline } from '@/components/charts/sparkline';
import { EmptyState } from '@/components/empty-state';
import { CardSkeleton } from '@/components/skeleton';
import { UploadForm } from '@/components/upload-form';
import { compact, percent } from '@/lib/format';
import { ackStates, overview } from '@/lib/request-data';
import { requireUser } from '@/lib/session';
import { RetentionPanel } from './_components/retention-panel';

export const metadata = { title: 'Services' };

async function ServiceTable() {
  const o = await overview();
  if (o.services.length === 0) return <EmptyState title="No service logged in the last hour" />;
  return (
    <div className="table-wrap">
      <table data-testid="services-table">
        <thead>
          <tr>
            <th>Service</th>
            <th title="Average over the last five complete minutes">Logs/s · 5 min</th>
            <th className="hide-sm">Last hour</th>
            <th>Errors</th>
            <th style={{ width: '34%' }}>Volume · 60 min</th>
          </tr>
        </thead>
        <tbody>
          {o.services.map((s) => (
            <tr key={s.service}>
              <td>
                <Link href={`/logs?service=${encodeURIComponent(s.service)}&range=1h`}>
                  <strong>{s.service}</strong>
                </Link>
              </td>
              <td className="num">{s.perSec.toFixed(2)}</td>
              <td className="num hide-sm">{compact(s.total)}</td>
              <td className="num" style={{ color: s.errorRatio > 0.05 ? 'var(--lv-error)' : undefined }}>
                <Link
                  href={`/logs?service=${encodeURIComponent(s.service)}&level=error&level=fatal&range=1h`}
                  style={{ color: 'inherit' }}
                >
                  {percent(s.errorRatio)}
                </Link>
              </td>
              <td>
                <Sparkline
                  values={s.spark}
                  color={s.errorRatio > 0.1 ? 'var(--lv-error)' : 'var(--accent)'}
                  height={28}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

async function AckPanel() {
  const acks = await ackStates();
  if (!acks.ok)
    return (
      <p className="notice bad" data-testid="ack-unreachable">
        ACK state unavailable: {acks.error}
      </p>
    );
  if (acks.data.streams.length === 0)
    return <EmptyState title="No numbered streams yet">Producers that send `seq` appear here.</EmptyState>;
  const byService = new Map<string, AckState[]>();
  for (const ack of acks.data.streams) {
    const service = ack.stream.split('/')[0] as string;
    byService.set(service, [...(byService.get(service) ?? []), ack]);
  }
  return (
    <div className="grid grid-2">
      {[...byService.entries()].map(([service, streams]) => (
        <section key={service} className="card" style={{ display: 'flex', flexDirection: 'column', gap: 14 }}>
          <h3>{service}</h3>
          {streams.map((ack) => (
            <AckWatermarks key={`${ack.stream}#${ack.session ?? ''}`} ack={ack} />
          ))}
        </section>
      ))}
    </div>
  );
}

/** `/services`: per-service rates and error ratios (rollups), ACK watermarks (API), retention and storage size. */
export default async function ServicesPage() {
  const user = await requireUser();
  const admin = user.role === 'admin';
  return (
    <>
      <header className="page-head">
        <div>
          <h1>Services</h1>
          <p>Rates from per-minute rollups · ACK watermarks from the API</p>
        </div>
      </header>
      <section className="card">
        <div className="card-head">
          <h2>Last 60 minutes</h2>
        </div>
        <Suspense fallback={<div className="skeleton" style={{ height: 220 }} />}>
          <ServiceTable />
        </Suspense>
      </section>
      <section>
        <div className="card-head">
          <h2>Acknowledgement state</h2>
          <span className="faint" style={{ fontSize: 12 }}>
            <span style={{ color: 'var(--ok)' }}>■</span> persisted{' '}
            <span style={{ color: 'var(--accent)' }}>■</span> acked{' '}
            <span style={{ color: 'var(--bad)' }}>■</span> missing
          </span>
        </div>
        <Suspense fallback={<CardSkeleton height={160} />}>
          <AckPanel />
        </Suspense>
      </section>
      <section>
        <div className="card-head">
          <h2>Retention and storage</h2>
        </div>
        <Suspense fallback={<CardSkeleton height={200} />}>
          <RetentionPanel editable={admin} />
        </Suspense>
      </section>
      {admin && (
        <section className="card">
          <div className="card-head">
            <h2>Import a log file</h2>
            <span className="faint" style={{ fontSize: 12 }}>
              same as npm run import · admins only
            </span>
          </div>
          <UploadForm />
        </section>
      )}
    </>
  );
}
