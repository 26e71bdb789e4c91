import Link from 'next/link';
import { EmptyState } from '@/components/empty-state';
import { FaultButtons } from '@/components/fault-buttons';
import { currentUser } from '@/lib/session';
import { LiveQueue } from '@/components/live-queue';
import { LiveRate } from '@/components/live-rate';
import { LevelVolumeChart } from '@/components/charts/level-volume-chart';
import { Sparkline } from '@/components/charts/sparkline';
import { compact, dateTimeOf, percent } from '@/lib/format';
import { faultState, overview, queueStats } from '@/lib/request-data';
import { rollupTotal24h } from '@/lib/rollups';

/** Top-line numbers: live logs/s, last hour's volume, error ratio, 24 h total. */
export async function OverviewStats({ apiUrl }: { apiUrl: string }) {
  const [o, total24h] = await Promise.all([overview(), rollupTotal24h(new Date())]);
  return (
    <div className="grid grid-4 keep-2">
      <section className="card">
        <div className="stat-label">Logs / s</div>
        <div className="stat-value num">
          <LiveRate apiUrl={apiUrl} initial={o.perSec} field="storedPerSec" />
        </div>
        <div className="stat-sub">stored, live when the API streams metrics</div>
      </section>
      <section className="card">
        <div className="stat-label">Last hour</div>
        <div className="stat-value num" data-testid="total-hour">
          {compact(o.total)}
        </div>
        <div className="stat-sub">{o.services.length} services reporting</div>
      </section>
      <section className="card">
        <div className="stat-label">Error ratio</div>
        <div
          className="stat-value num"
          style={{ color: o.errorRatio > 0.05 ? 'var(--lv-error)' : undefined }}
        >
          {o.total ? percent(o.errorRatio) : '–'}
        </div>
        <div className="stat-sub">{compact(o.errors)} error + fatal in the last hour</div>
      </section>
      <section className="card">
        <div className="stat-label">Last 24 h</div>
        <div className="stat-value num">{compact(total24h)}</div>
        <div className="stat-sub">from per-minute rollups</div>
      </section>
    </div>
  );
}

/** Stacked volume by level over the last hour (rollups only). */
export async function OverviewVolume() {
  const o = await overview();
  return (
    <section className="card" data-testid="overview-volume">
      <div className="card-head">
        <h2>Volume by level · last 60 min</h2>
        <Link href="/logs?range=1h" className="btn small">
          Search these logs →
        </Link>
      </div>
      {o.total === 0 ? (
        <EmptyState title="No logs in the last hour">
          Send some with the producer or `npm run simulate`.
        </EmptyState>
      ) : (
        <LevelVolumeChart
          buckets={o.series.buckets}
          byLevel={o.series.byLevel}
          bucketMs={o.series.bucketMs}
        />
      )}
    </section>
  );
}

/** Queue depth, workers and the fault-injection controls. */
export async function OverviewOps({ apiUrl }: { apiUrl: string }) {
  const [stats, faults, user] = await Promise.all([queueStats(), faultState(), currentUser()]);
  const admin = user?.role === 'admin';
  return (
    <div className={admin ? 'grid grid-2' : 'grid'}>
      <section className="card">
        <div className="card-head">
          <h2>Queue &amp; workers</h2>
          <Link href="/queue" className="btn small">
            Details →
          </Link>
        </div>
        {!stats.ok && <p className="notice bad">{stats.error}</p>}
        <LiveQueue
          apiUrl={apiUrl}
          initial={stats.ok ? stats.data : null}
          faults={faults.ok ? faults.data : null}
        />
      </section>
      {admin && (
        <section className="card">
          <div className="card-head">
            <h2>Fault injection</h2>
            <Link href="/pipeline" className="btn small">
              Watch the pipeline →
            </Link>
          </div>
          <p className="muted" style={{ marginTop: 0 }}>
            Break the pipeline on purpose and watch ACKs, replays and the queue recover.
          </p>
          <FaultButtons enabled={faults.ok ? faults.data.enabled : null} />
        </section>
      )}
    </div>
  );
}

function statusOf(s: { errorRatio: number; lastMinute: Date | null }, now: number) {
  if (!s.lastMinute || now - s.lastMinute.getTime() > 5 * 60_000) return { label: 'silent', tone: 'warn' };
  if (s.errorRatio > 0.1) return { label: 'failing', tone: 'bad' };
  if (s.errorRatio > 0.03) return { label: 'degraded', tone: 'warn' };
  return { label: 'healthy', tone: 'ok' };
}

/** One card per service with its status, rate and sparkline. */
export async function ServiceCards() {
  const o = await overview();
  const now = Date.now();
  if (o.services.length === 0)
    return <EmptyState title="No services yet">Services appear here once they send logs.</EmptyState>;
  return (
    <div className="grid grid-3">
      {o.services.map((s) => {
        const status = statusOf(s, now);
        return (
          <Link
            key={s.service}
            href={`/logs?service=${encodeURIComponent(s.service)}&range=1h`}
            className="card row-link"
            data-testid="service-card"
          >
            <div className="spread">
              <h3>{s.service}</h3>
              <span className={`badge ${status.tone}`}>
                <span className="dot" />
                {status.label}
              </span>
            </div>
            <Sparkline values={s.spark} color={status.tone === 'bad' ? 'var(--lv-error)' : 'var(--accent)'} />
            <div className="spread faint" style={{ fontSize: 12 }}>
              <span className="num">{s.perSec.toFixed(2)} logs/s</span>
              <span className="num">{percent(s.errorRatio)} errors</span>
              <span className="hide-sm">
                {s.lastMinute ? `last ${dateTimeOf(s.lastMinute).slice(11, 16)}` : ''}
              </span>
            </div>
          </Link>
        );
      })}
    </div>
  );
}
