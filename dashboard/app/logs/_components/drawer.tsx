import Link from 'next/link';
import { EscapeCloses } from '@/components/escape-closes';
import { toQueryString, type LogSearch } from '@/lib/log-query';
import { findLog } from '@/lib/logs-repo';
import { LogDetail } from './log-detail';

/** The row drawer: server-rendered from `?open=<id>`, so an open drawer is part of the link too. */
export async function Drawer({ search }: { search: LogSearch }) {
  if (!search.open) return null;
  const log = await findLog(search.open);
  const close = `/logs${toQueryString(search, { open: null })}`;
  return (
    <>
      <EscapeCloses href={close} />
      <Link href={close} className="drawer-backdrop" aria-label="Close" scroll={false} />
      <aside className="drawer" role="dialog" aria-label="Log details" data-testid="drawer">
        <div className="spread">
          <h2>Log details</h2>
          <Link href={close} className="btn small" scroll={false} data-testid="drawer-close">
            ✕ Close
          </Link>
        </div>
        {log ? (
          <LogDetail log={log} />
        ) : (
          <p className="notice">Log {search.open} was not found (swept by retention?).</p>
        )}
      </aside>
    </>
  );
}
