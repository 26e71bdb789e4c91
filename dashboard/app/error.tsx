'use client';
/** Shown when a page fails (typically MongoDB unreachable); offers a retry. */
export default function PageError({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
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
