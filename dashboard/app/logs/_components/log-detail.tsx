import Link from 'next/link';
import { CopyButton } from '@/components/copy-button';
import { LevelBadge } from '@/components/level-badge';
import { timeOf } from '@/lib/format';
import { requestTimeline, streamNeighbours, type LogRow } from '@/lib/logs-repo';

/** Path of a log's permalink; ids contain `@ : /`, so they are encoded. */
export const permalinkOf = (id: string) => `/logs/${encodeURIComponent(id)}`;

/** Everything about one log: JSON, permalink, neighbours in its stream, and its request across services. */
export async function LogDetail({ log }: { log: LogRow }) {
  const [neighbours, timeline] = await Promise.all([
    streamNeighbours(log),
    log.requestId ? requestTimeline(log.requestId) : Promise.resolve([]),
  ]);
  const json = JSON.stringify(log, null, 2);
  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 18 }} data-testid="log-detail">
      <div style={{ display: 'flex', flexDirection: 'column', gap: 8 }}>
        <div className="row">
          <LevelBadge level={log.level} />
          <span className="mono muted">{log.ts.replace('T', ' ').replace('Z', ' UTC')}</span>
        </div>
        <h3 style={{ fontSize: 17, wordBreak: 'break-word' }}>{log.message}</h3>
        {log.traceId && (
          <div className="mono faint" data-testid="trace-ids">
            trace {log.traceId}
            {log.spanId && ` · span ${log.spanId}`}
          </div>
        )}
        <div className="row">
          <CopyButton text={json} />
          <Link className="btn small" href={permalinkOf(log.id)} data-testid="permalink">
            Permalink
          </Link>
          {log.requestId && (
            <Link
              className="btn small"
              href={`/logs?range=7d&requestId=${encodeURIComponent(log.requestId)}`}
            >
              Search request
            </Link>
          )}
          {log.traceId && (
            <Link
              className="btn small"
              href={`/logs?range=7d&traceId=${encodeURIComponent(log.traceId)}`}
              data-testid="trace-link"
            >
              Logs of this trace
            </Link>
          )}
        </div>
      </div>
      <section>
        <h2 style={{ marginBottom: 8 }}>JSON</h2>
        <pre className="json mono" data-testid="log-json">
          {json}
        </pre>
      </section>
      <section>
        <h2 style={{ marginBottom: 8 }}>
          Stream <span className="mono">{log.stream}</span> around #{log.seq ?? '–'}
        </h2>
        {neighbours.length === 0 ? (
          <p className="faint">This log carries no seq, so it has no place in a numbered stream.</p>
        ) : (
          <ol className="timeline" data-testid="neighbours">
            {neighbours.map(({ seq, log: n }) =>
              n ? (
                <li key={seq} className={n.id === log.id ? 'current' : undefined}>
                  <span className="mono faint">#{seq}</span>
                  <span className="mono faint">{timeOf(n.ts).slice(0, 8)}</span>
                  <LevelBadge level={n.level} />
                  <Link prefetch={false} href={permalinkOf(n.id)} style={{ color: 'inherit' }}>
                    {n.message}
                  </Link>
                </li>
              ) : (
                <li key={seq} className="missing" data-testid="missing-seq">
                  <span className="mono">#{seq}</span>
                  <span>missing</span>
                  <span />
                  <span>never stored (a replay may still bring it)</span>
                </li>
              ),
            )}
          </ol>
        )}
      </section>
      {log.requestId && (
        <section>
          <h2 style={{ marginBottom: 8 }}>
            Request <span className="mono">{log.requestId}</span> · {timeline.length} logs across{' '}
            {new Set(timeline.map((t) => t.service)).size} services
          </h2>
          <ol className="timeline" data-testid="request-timeline">
            {timeline.map((t) => (
              <li key={t.id} className={t.id === log.id ? 'current' : undefined}>
                <span className="mono faint">{timeOf(t.ts)}</span>
                <span className="mono tl-svc">{t.service}</span>
                <LevelBadge level={t.level} />
                <Link prefetch={false} href={permalinkOf(t.id)} style={{ color: 'inherit' }}>
                  {t.message}
                </Link>
              </li>
            ))}
          </ol>
        </section>
      )}
    </div>
  );
}
