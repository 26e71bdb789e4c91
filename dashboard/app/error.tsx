'use client';
import { QUERY_TIMEOUT_DIGEST } from '@/lib/query-timeout';

/** Shown when a page fails (typically MongoDB unreachable, or a query over its time limit); offers a retry. */
export default function PageError({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  if (error.digest === QUERY_TIMEOUT_DIGEST) {
    return (
      <section className="card" role="alert" data-testid="page-error" data-reason="query-timeout">
        <h1>The query took too long</h1>
        <p className="muted">
          The database stopped this page&apos;s query at its time limit (<code>QUERY_TIMEOUT_MS</code>)
          instead of leaving the page hanging. Narrow the search (a shorter time range, a service or a level)
          and try again.
        </p>
        <button type="button" className="btn primary" onClick={reset}>
          Try again
        </button>
      </section>
    );
  }
  return (
    <section className="card" role="alert" data-testid="page-error">
      <h1>Something went wrong</h1>
      <p className="muted">
        The page could not load its data. The most common cause is MongoDB being unreachable from the
        dashboard server (check <code>MONGO_URL</code>).
      </p>
      <p className="faint mono">{error.digest ? `digest ${error.digest}` : error.message}</p>
      <button type="button" className="btn primary" onClick={reset}>
        Try again
      </button>
    </section>
  );
}
