import { EmptyState } from '@/components/empty-state';
import { RetentionForm } from '@/components/retention-form';
import { compact, dateTimeOf, duration } from '@/lib/format';
import { overview } from '@/lib/request-data';
import { retentionOverview, type CollectionSize } from '@/lib/retention-repo';

function bytes(n: number | null): string {
  if (n === null) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 && unit > 0 ? 1 : 0)} ${units[unit]}`;
}

const LABELS: Record<string, string> = {
  logs: 'Logs',
  rollups_minute: 'Rollups',
  dead_letters: 'Dead letters',
};

function StorageTable({ storage }: { storage: CollectionSize[] }) {
  const total = storage.reduce((sum, c) => sum + (c.storageBytes ?? 0), 0);
  return (
    <div className="table-wrap">
      <table data-testid="storage-table">
        <thead>
          <tr>
            <th>Collection</th>
            <th>Documents</th>
            <th>Data</th>
            <th>On disk</th>
          </tr>
        </thead>
        <tbody>
          {storage.map((c) => (
            <tr key={c.name}>
              <td>{LABELS[c.name] ?? c.name}</td>
              <td className="num">{compact(c.documents)}</td>
              <td className="num">{bytes(c.dataBytes)}</td>
              <td className="num">{bytes(c.storageBytes)}</td>
            </tr>
          ))}
          <tr>
            <td>
              <strong>Total</strong>
            </td>
            <td />
            <td />
            <td className="num" data-testid="storage-total">
              <strong>{bytes(total)}</strong>
            </td>
          </tr>
        </tbody>
      </table>
    </div>
  );
}

/** Retention (default, per-service overrides, last sweep) and storage size, with the form that sets a retention. */
export async function RetentionPanel({ editable }: { editable: boolean }) {
  const [retention, recent] = await Promise.all([retentionOverview(), overview().catch(() => undefined)]);
  const services = [
    ...new Set([
      ...(recent?.services.map((s) => s.service) ?? []),
      ...retention.overrides.map((o) => o.service),
    ]),
  ].sort();
  const sweep = retention.lastSweepDeleted;
  return (
    <div className="grid grid-2" data-testid="retention-panel">
      <section className="card" style={{ display: 'flex', flexDirection: 'column', gap: 12, minWidth: 0 }}>
        <h3>Retention</h3>
        <p>
          Logs are kept <strong data-testid="retention-default">{retention.defaultDays} days</strong>{' '}
          (RETENTION_DAYS) unless their service has its own retention below.{' '}
          {retention.ttlIndex
            ? 'MongoDB expires them with a TTL index; the sweeper applies per-service retention.'
            : 'This server has no TTL indexes: the worker’s sweeper removes them.'}
        </p>
        <p className="faint" style={{ fontSize: 13 }}>
          {!retention.workerSeen
            ? 'No worker has reported yet.'
            : retention.lastSweepAt
              ? `Last sweep ${dateTimeOf(retention.lastSweepAt)}${sweep ? `: ${sweep.logs} logs, ${sweep.rollups} rollup buckets, ${sweep.deadLetters} dead letters removed` : ''}; every ${duration(retention.sweepIntervalMs ?? 0)}.`
              : 'No sweep yet.'}
        </p>
        {retention.overrides.length === 0 ? (
          <EmptyState title="No per-service retention">Every service follows the default.</EmptyState>
        ) : (
          <div className="table-wrap">
            <table data-testid="retention-overrides">
              <thead>
                <tr>
                  <th>Service</th>
                  <th>Keeps</th>
                </tr>
              </thead>
              <tbody>
                {retention.overrides.map((o) => (
                  <tr key={o.service}>
                    <td className="mono">{o.service}</td>
                    <td className="num">{o.days} days</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {editable && <RetentionForm services={services} />}
      </section>
      <section className="card" style={{ display: 'flex', flexDirection: 'column', gap: 12, minWidth: 0 }}>
        <h3>Storage</h3>
        <StorageTable storage={retention.storage} />
      </section>
    </div>
  );
}
