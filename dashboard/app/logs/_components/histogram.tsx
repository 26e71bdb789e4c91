import { EmptyState } from '@/components/empty-state';
import { HistogramBrush } from '@/components/histogram-brush';
import { compact, dateTimeOf } from '@/lib/format';
import { toQueryString, type LogSearch } from '@/lib/log-query';
import { searchHistogram } from '@/lib/logs-repo';
import { toLevelSeries } from '@/lib/rollups';

/** Volume of the whole search (not just this page) per time bucket; drag across it to zoom. */
export async function Histogram({ search }: { search: LogSearch }) {
  const h = await searchHistogram(search);
  const series = toLevelSeries(h.flat, h.start, h.bucketMs, h.count);
  return (
    <section className="card" data-testid="histogram">
      <div className="card-head">
        <h2>
          Volume{' '}
          <span className="faint num" data-testid="histogram-total">
            {h.exact ? `${compact(h.total)} matches` : `${compact(h.total)} logs before the text filter`}
          </span>
        </h2>
        <span className="faint" style={{ fontSize: 12 }}>
          {dateTimeOf(search.from)} → {dateTimeOf(search.to)} UTC · drag to zoom
        </span>
      </div>
      {h.total === 0 ? (
        <EmptyState title="Nothing in this range" />
      ) : (
        <HistogramBrush
          query={toQueryString(search, { cursor: null, open: null }).replace(/^\?/, '')}
          buckets={series.buckets}
          byLevel={series.byLevel}
          bucketMs={series.bucketMs}
        />
      )}
    </section>
  );
}
