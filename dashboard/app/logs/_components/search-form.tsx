import Link from 'next/link';
import { LOG_LEVELS } from '@logstream/shared-types';
import { PAGE_SIZES, RANGE_PRESETS, toQueryString, type LogSearch } from '@/lib/log-query';

/** `datetime-local` value (UTC) of a date. */
const localValue = (d: Date) => d.toISOString().slice(0, 19);

/** The search form: a plain GET form, so every search is a URL that reproduces it (and works without JS). */
export function SearchForm({ search, services }: { search: LogSearch; services: string[] }) {
  const allServices = [...new Set([...services, ...search.services])].sort();
  return (
    <form
      method="get"
      action="/logs"
      className="card"
      data-testid="search-form"
      style={{ display: 'flex', flexDirection: 'column', gap: 14 }}
    >
      <div className="row" style={{ alignItems: 'flex-end', gap: 12 }}>
        <label className="field" style={{ flex: '2 1 260px' }}>
          Message contains
          <input
            type="search"
            name="q"
            defaultValue={search.q}
            placeholder="e.g. timeout (whole words, case-insensitive)"
            data-testid="search-q"
          />
        </label>
        <label className="field" style={{ flex: '1 1 180px' }}>
          Request id
          <input
            name="requestId"
            defaultValue={search.requestId}
            placeholder="req_abc123"
            className="mono"
            data-testid="search-request-id"
          />
        </label>
        <label className="field" style={{ flex: '1 1 180px' }}>
          Trace id
          <input
            name="traceId"
            defaultValue={search.traceId}
            placeholder="32 hex digits"
            className="mono"
            data-testid="search-trace-id"
          />
        </label>
        <label className="field" style={{ flex: '0 0 90px' }}>
          Page size
          <select name="limit" defaultValue={String(search.limit)}>
            {PAGE_SIZES.map((n) => (
              <option key={n}>{n}</option>
            ))}
          </select>
        </label>
        <button type="submit" className="btn primary" data-testid="search-submit">
          Search
        </button>
      </div>
      <div className="row">
        <span className="stat-label" style={{ minWidth: 56 }}>
          Levels
        </span>
        {LOG_LEVELS.map((level) => (
          <label key={level} className="chip">
            <input
              type="checkbox"
              name="level"
              value={level}
              defaultChecked={search.levels.includes(level)}
            />
            <span className={`lv lv-${level}`} style={{ minWidth: 0, background: 'none', padding: 0 }}>
              {level}
            </span>
          </label>
        ))}
      </div>
      <div className="row">
        <span className="stat-label" style={{ minWidth: 56 }}>
          Services
        </span>
        {allServices.length === 0 && <span className="faint">none seen yet</span>}
        {allServices.map((service) => (
          <label key={service} className="chip">
            <input
              type="checkbox"
              name="service"
              value={service}
              defaultChecked={search.services.includes(service)}
            />
            {service}
          </label>
        ))}
      </div>
      <div className="row" style={{ alignItems: 'flex-end', gap: 12 }}>
        <div
          className="field"
          style={{ display: 'flex', flexDirection: 'column', gap: 4, fontSize: 12, color: 'var(--text-dim)' }}
        >
          Range
          <div className="row" style={{ gap: 4 }}>
            {(Object.keys(RANGE_PRESETS) as (keyof typeof RANGE_PRESETS)[]).map((preset) => (
              <Link
                key={preset}
                href={`/logs${toQueryString(search, { range: preset, cursor: null, open: null })}`}
                className={`btn small ${search.range === preset ? 'active' : ''}`}
                data-testid={`range-${preset}`}
              >
                {preset}
              </Link>
            ))}
          </div>
        </div>
        {search.range && <input type="hidden" name="range" value={search.range} />}
        <label className="field">
          From (UTC)
          <input
            type="datetime-local"
            name="from"
            step="1"
            defaultValue={search.range ? '' : localValue(search.from)}
            data-testid="search-from"
          />
        </label>
        <label className="field">
          To (UTC)
          <input
            type="datetime-local"
            name="to"
            step="1"
            defaultValue={search.range ? '' : localValue(search.to)}
            data-testid="search-to"
          />
        </label>
        <Link href="/logs" className="btn small" style={{ marginLeft: 'auto' }}>
          Reset
        </Link>
      </div>
    </form>
  );
}
