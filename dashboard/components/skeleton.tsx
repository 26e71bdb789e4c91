/** Placeholder card shown by a widget's <Suspense> while its data loads. */
export function CardSkeleton({ height = 120, title }: { height?: number; title?: string }) {
  return (
    <section className="card" aria-busy="true">
      {title && (
        <div className="card-head">
          <h2>{title}</h2>
        </div>
      )}
      <div className="skeleton" style={{ height }} />
    </section>
  );
}
