import { Suspense } from 'react';
import { CardSkeleton } from '@/components/skeleton';
import { parseLogSearch, toQueryString } from '@/lib/log-query';
import { searchHistogram, searchLogs } from '@/lib/logs-repo';
import { knownServices } from '@/lib/rollups';
import { Drawer } from './_components/drawer';
import { Histogram } from './_components/histogram';
import { Results } from './_components/results';
import { SearchForm } from './_components/search-form';
import { requireUser } from '@/lib/session';

export const metadata = { title: 'Logs' };

/** `/logs`: server-side search over the whole store; every bit of state lives in the URL. */
export default async function LogsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireUser();
  const { search, issues } = parseLogSearch(await searchParams, new Date());
  // The results and the histogram start now, while the service picker's list loads (they share one request's rollup
  // reads); their widgets await the same memoised promises. A failure surfaces there, not here.
  searchLogs(search).catch(() => undefined);
  searchHistogram(search).catch(() => undefined);
  const services = await knownServices();
  // Keying the widgets by the query restarts their Suspense fallbacks on every new search.
  const key = toQueryString(search, { open: null });
  return (
    <>
      <header className="page-head">
        <div>
          <h1>Logs</h1>
          <p>Search every stored log · times in UTC</p>
        </div>
      </header>
      <SearchForm key={`form${key}`} search={search} services={services} />
      {issues.length > 0 && (
        <p className="notice" data-testid="search-issues">
          Some parameters were ignored: {issues.join('; ')}
        </p>
      )}
      <Suspense key={`h${key}`} fallback={<CardSkeleton title="Volume" height={180} />}>
        <Histogram search={search} />
      </Suspense>
      <Suspense key={`r${key}`} fallback={<CardSkeleton title="Results" height={420} />}>
        <Results search={search} />
      </Suspense>
      {search.open && (
        <Suspense fallback={null}>
          <Drawer search={search} />
        </Suspense>
      )}
    </>
  );
}
