import os from 'node:os';
import type { Ceiling } from './ceilings';
import type { BacklogResult, EndToEndResult } from './end-to-end';
import type { BatchResult, SingleResult } from './ingest-modes';
import { round } from './load';
import type { SyncLatencyResult } from './sync-latency';

/** What `npm run bench` prints as its last line (and writes under docs/benchmarks/raw). */
export interface BenchReport {
  date: string;
  quick: boolean;
  /** A `--smoke` run (the test suite's): every mode for a moment, figures not comparable. */
  smoke?: boolean;
  machine: { cpus: number; cpuModel?: string; memoryGiB: number; node: string };
  backend: { redis: string; mongo: string; server: string };
  /** 1-minute load average when the run started and ended (the machine may be shared). */
  loadAvg: { start: number; end: number };
  ceilings: {
    queueAddLogsPerSec: number;
    dbInsertLogsPerSec: number;
    queueAdd: Ceiling;
    dbInsert: Ceiling;
    /** The same inserts, each followed by its rollup increments as the worker writes them: where the gap starts. */
    dbInsertWithRollups: Ceiling;
  };
  ingest: { single: SingleResult; batch100: BatchResult };
  naive: { single: SingleResult };
  endToEnd: EndToEndResult;
  /** The insert-count figure of earlier reports: insert commands per 1,000 stored logs. */
  insertCommandsPer1000Logs: number;
  latency: SyncLatencyResult;
  backlog?: BacklogResult;
  ratios: {
    singleVsNaive: number;
    batchVsQueueCeiling: number;
    endToEndVsDbCeiling: number;
    /** LogStream's p99 at the fixed rate ÷ the naive design's (≤ 1: no worse). */
    singleP99VsNaive: number;
  };
  targets: Record<string, boolean>;
}

/** Machine facts for the report. */
export function machine(): BenchReport['machine'] {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
  };
}

/** The ratios the targets are stated in, and whether each target is met. */
export function ratiosOf(
  report: Omit<BenchReport, 'ratios' | 'targets'>,
): Pick<BenchReport, 'ratios' | 'targets'> {
  const ratios = {
    singleVsNaive: round(report.ingest.single.logsPerSec / Math.max(report.naive.single.logsPerSec, 1)),
    batchVsQueueCeiling: round(
      report.ingest.batch100.logsPerSec / Math.max(report.ceilings.queueAddLogsPerSec, 1),
    ),
    endToEndVsDbCeiling: round(report.endToEnd.logsPerSec / Math.max(report.ceilings.dbInsertLogsPerSec, 1)),
    singleP99VsNaive: round(report.ingest.single.p99Ms / Math.max(report.naive.single.p99Ms, 0.001)),
  };
  const targets: Record<string, boolean> = {
    singleVsNaiveAtLeast3: ratios.singleVsNaive >= 3,
    singleP99NoWorseThanNaive: ratios.singleP99VsNaive <= 1,
    endToEndVsDbCeilingAtLeast0_6: ratios.endToEndVsDbCeiling >= 0.6,
    batchVsQueueCeilingAtLeast0_3: ratios.batchVsQueueCeiling >= 0.3,
    nothingLostOrDuplicated: report.endToEnd.lost === 0 && report.endToEnd.duplicates === 0,
  };
  if (report.backlog) targets.backlogWorkerRssUnder300Mb = report.backlog.workerMaxRssMb < 300;
  return { ratios, targets };
}
