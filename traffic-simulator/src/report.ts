import type { ProducerStats } from '@logstream/producer';
import type { StreamStoreCount } from './store-check';

/** What the run learnt about one stream: the producer's counters and MongoDB's counts. */
export interface StreamOutcome {
  stream: string;
  stats: ProducerStats;
  store: StreamStoreCount;
}

/** The integrity report printed at the end (and as the JSON line with --json). */
export interface IntegrityReport {
  runId: string;
  streams: string[];
  /** Logs the run emitted (seqs assigned). */
  sent: number;
  /** Logs the API confirmed it received. */
  acknowledged: number;
  /** Distinct logs of the run found in MongoDB. */
  persisted: number;
  /** Extra documents sharing a (stream, seq) with another. */
  duplicates: number;
  /** Logs the API reported persisted (≤ persistedTill) that MongoDB does not hold. */
  lost: number;
  /** Logs emitted but not in MongoDB when the settle deadline passed. */
  unpersisted: number;
  /** Logs resent because the API asked for them in `replay`. */
  replays: number;
  /** Logs resent for any reason. */
  resent: number;
  retries: number;
  rejected: number;
  chaos: { dropped: number; duplicated: number; reordered: number };
  durationMs: number;
  /** True when nothing is lost, duplicated or unpersisted. */
  ok: boolean;
  /**
   * `ok`; `failed` when a log the API said was persisted is missing from MongoDB, or stored twice; `incomplete` when
   * nothing is lost or duplicated but some logs were not stored yet when the run stopped waiting.
   */
  outcome: 'ok' | 'failed' | 'incomplete';
}

/** Sums the per-stream outcomes into the report. */
export function buildReport(
  runId: string,
  outcomes: readonly StreamOutcome[],
  durationMs: number,
): IntegrityReport {
  const sum = (pick: (o: StreamOutcome) => number) => outcomes.reduce((total, o) => total + pick(o), 0);
  const sent = sum((o) => o.stats.nextSeq - 1);
  const persisted = sum((o) => o.store.distinct);
  const duplicates = sum((o) => o.store.documents - o.store.distinct);
  const lost = sum((o) => Math.max(0, o.stats.persistedTill - o.store.distinctThroughPersisted));
  const unpersisted = Math.max(0, sent - persisted);
  return {
    runId,
    streams: outcomes.map((o) => o.stream),
    sent,
    acknowledged: sum((o) => o.stats.acknowledged),
    persisted,
    duplicates,
    lost,
    unpersisted,
    replays: sum((o) => o.stats.replayed),
    resent: sum((o) => o.stats.resent),
    retries: sum((o) => o.stats.retries),
    rejected: sum((o) => o.stats.rejected),
    chaos: {
      dropped: sum((o) => o.stats.chaos.dropped),
      duplicated: sum((o) => o.stats.chaos.duplicated),
      reordered: sum((o) => o.stats.chaos.reordered),
    },
    durationMs,
    ok: lost === 0 && duplicates === 0 && unpersisted === 0,
    outcome: lost > 0 || duplicates > 0 ? 'failed' : unpersisted > 0 ? 'incomplete' : 'ok',
  };
}

/** The report as an aligned text table, one row per stream plus a total row. */
export function formatReport(report: IntegrityReport, outcomes: readonly StreamOutcome[]): string {
  const header = ['stream', 'sent', 'acked', 'persisted', 'duplicates', 'lost', 'replays', 'resent'];
  const rows = outcomes.map((o) => [
    o.stream,
    o.stats.nextSeq - 1,
    o.stats.acknowledged,
    o.store.distinct,
    o.store.documents - o.store.distinct,
    Math.max(0, o.stats.persistedTill - o.store.distinctThroughPersisted),
    o.stats.replayed,
    o.stats.resent,
  ]);
  const { sent, acknowledged, persisted, duplicates, lost, replays, resent } = report;
  rows.push(['total', sent, acknowledged, persisted, duplicates, lost, replays, resent]);
  const cells = [header, ...rows].map((row) => row.map(String));
  const widths = header.map((_, col) => Math.max(...cells.map((row) => (row[col] as string).length)));
  const line = (row: string[]) =>
    row
      .map((cell, col) =>
        col === 0 ? cell.padEnd(widths[col] as number) : cell.padStart(widths[col] as number),
      )
      .join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const verdict =
    report.outcome === 'ok'
      ? 'OK: every log stored exactly once'
      : report.outcome === 'incomplete'
        ? `INCOMPLETE: nothing lost or duplicated, but ${report.unpersisted} logs were not stored yet when storage stopped making progress (raise --settle-ms, or check the worker)`
        : `FAILED: ${report.lost} lost, ${report.duplicates} duplicated, ${report.unpersisted} not persisted`;
  return [
    `Integrity report (run ${report.runId}, ${(report.durationMs / 1000).toFixed(1)} s)`,
    line(cells[0] as string[]),
    rule,
    ...cells.slice(1, -1).map(line),
    rule,
    line(cells[cells.length - 1] as string[]),
    `retries ${report.retries}, rejected ${report.rejected}, chaos: dropped ${report.chaos.dropped} / duplicated ${report.chaos.duplicated} / reordered ${report.chaos.reordered} batches`,
    verdict,
  ].join('\n');
}
