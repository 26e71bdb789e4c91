import Link from 'next/link';
import { EmptyState } from '@/components/empty-state';
import { ClickableRow } from '@/components/clickable-row';
import { Highlight } from '@/components/highlight';
import { LevelBadge } from '@/components/level-badge';
import { dateTimeOf, timeOf } from '@/lib/format';
import { toQueryString, type LogSearch } from '@/lib/log-query';
import { searchLogs } from '@/lib/logs-repo';

/** One page of results with keyset pagination and export links. */
export async function Results({ search }: { search: LogSearch }) {
  const { rows, hasMore, searchedBackTo } = await searchLogs(search);
  const last = rows.at(-1);
  const exportQuery = toQueryString(search, { cursor: null, open: null, limit: 50 }).replace(/^\?/, '');
  return (
    <section className="card" style={{ display: 'flex', flexDirection: 'column', gap: 12 }}>
      <div className="card-head" style={{ marginBottom: 0 }}>
        <h2>
          Results{' '}
          <span className="faint num" data-testid="result-count">
            {rows.length}
            {hasMore ? '+' : ''}
          </span>
        </h2>
        <div className="row">
          <a
            className="btn small"
            href={`/logs/export?format=ndjson&${exportQuery}`}
            data-testid="export-ndjson"
          >
            Export NDJSON
          </a>
          <a className="btn small" href={`/logs/export?format=csv&${exportQuery}`} data-testid="export-csv">
            Export CSV
          </a>
        </div>
      </div>
      {searchedBackTo && (
        <p className="notice" data-testid="searched-back-to">
          The text was looked for in the newest logs back to {dateTimeOf(searchedBackTo)} UTC
          {rows.length > 0 ? '; older matches may exist' : ' without a match'}.{' '}
          <Link
            href={`/logs${toQueryString({ ...search, range: null, to: searchedBackTo }, { cursor: null, open: null })}`}
            data-testid="search-older"
          >
            Search older logs →
          </Link>
        </p>
      )}
      {rows.length === 0 ? (
        <EmptyState title={search.cursor ? 'No older logs' : 'No logs match'}>
          Widen the time range, clear a filter, or check the spelling of the text.
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table data-testid="results-table">
            <thead>
              <tr>
                <th>Time (UTC)</th>
                <th>Level</th>
                <th>Stream</th>
                <th>Message</th>
                <th className="hide-sm">Request</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <ClickableRow
                  key={row.id}
                  href={`/logs${toQueryString(search, { open: row.id })}`}
                  className={row.id === search.open ? 'selected' : undefined}
                  data-testid="result-row"
                  data-id={row.id}
                >
                  <td className="ts mono" title={dateTimeOf(row.ts)}>
                    <Link
                      prefetch={false}
                      className="row-link"
                      href={`/logs${toQueryString(search, { open: row.id })}`}
                      scroll={false}
                    >
                      <span className="faint hide-sm">{row.ts.slice(5, 10)} </span>
                      {timeOf(row.ts)}
                    </Link>
                  </td>
                  <td>
                    <LevelBadge level={row.level} />
                  </td>
                  <td className="mono" style={{ whiteSpace: 'nowrap' }}>
                    {row.stream}
                    {row.seq !== undefined && <span className="faint">#{row.seq}</span>}
                  </td>
                  <td className="msg">
                    <Link
                      prefetch={false}
                      className="row-link"
                      href={`/logs${toQueryString(search, { open: row.id })}`}
                      scroll={false}
                    >
                      <Highlight text={row.message} needle={search.q} />
                    </Link>
                  </td>
                  <td className="mono hide-sm">
                    {row.requestId ? (
                      <Link
                        prefetch={false}
                        href={`/logs${toQueryString({ ...search, services: [], levels: [], q: '', range: '7d' }, { requestId: row.requestId, cursor: null, open: null })}`}
                      >
                        {row.requestId}
                      </Link>
                    ) : (
                      <span className="faint">–</span>
                    )}
                  </td>
                </ClickableRow>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav className="pagination" aria-label="Pages">
        {search.cursor ? (
          <Link className="btn small" href={`/logs${toQueryString(search, { cursor: null, open: null })}`}>
            ⇤ Newest
          </Link>
        ) : (
          <span className="faint">Newest first</span>
        )}
        {hasMore && last && (
          <Link
            className="btn small"
            href={`/logs${toQueryString(search, { cursor: { ts: new Date(last.ts), id: last.id }, open: null })}`}
            data-testid="older-page"
          >
            Older →
          </Link>
        )}
      </nav>
    </section>
  );
}
