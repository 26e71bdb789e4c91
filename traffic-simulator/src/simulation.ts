import path from 'node:path';
import { createProducer, type Producer } from '@logstream/producer';
import type { SimulatorConfig } from './config';
import type { ProgressView, ServiceProgress } from './progress-view';
import { buildReport, type IntegrityReport, type StreamOutcome } from './report';
import { Scenario } from './scenario';
import type { StoreCheck } from './store-check';
import { runTraffic } from './traffic-loop';

/** What a finished run hands back for printing. */
export interface SimulationResult {
  report: IntegrityReport;
  outcomes: StreamOutcome[];
}

/**
 * One simulator run: a producer per service (stream `service/<runId>`), traffic at the configured rate, then a
 * bounded settle phase (until MongoDB holds every emitted log or `settleMs` passes), then the integrity counts.
 */
export async function runSimulation(
  config: SimulatorConfig,
  store: StoreCheck,
  view: ProgressView,
  stopped: () => boolean,
): Promise<SimulationResult> {
  const started = Date.now();
  const producers = new Map<string, Producer>();
  for (const service of config.services) {
    producers.set(
      service,
      createProducer({
        url: config.url,
        service,
        instance: config.runId,
        apiKey: config.apiKey,
        spoolFile: config.spoolDir
          ? path.join(config.spoolDir, `${service}-${config.runId}.ndjson`)
          : undefined,
        chaos: { drop: config.drop, dup: config.dup, reorder: config.reorder },
      }),
    );
  }
  const stored = new Map<string, number>();
  const lastSent = new Map<string, { sent: number; at: number; rate: number }>();
  let settling = false;
  let refreshing = false;
  const rows = (): ServiceProgress[] =>
    [...producers].map(([service, producer]) => {
      const stats = producer.stats();
      const sent = stats.nextSeq - 1;
      const previous = lastSent.get(service) ?? { sent: 0, at: started, rate: 0 };
      const elapsed = (Date.now() - previous.at) / 1000;
      const rate = elapsed >= 0.5 ? (sent - previous.sent) / elapsed : previous.rate;
      if (elapsed >= 0.5) lastSent.set(service, { sent, at: Date.now(), rate });
      return { service, sent, acknowledged: stats.acknowledged, stored: stored.get(service) ?? 0, rate };
    });
  let nextRefreshAt = 0;
  const refreshStored = async (force = false) => {
    if (refreshing || (!force && Date.now() < nextRefreshAt)) return;
    refreshing = true;
    const began = Date.now();
    try {
      const counts = await store.stored([...producers.values()].map((p) => p.stream));
      for (const [service, producer] of producers) stored.set(service, counts.get(producer.stream) ?? 0);
    } catch {
      // Progress only; the final count reports real failures.
    } finally {
      refreshing = false;
      // Spend at most ~10 % of the time counting: on FerretDB a filter on `stream` scans the collection.
      nextRefreshAt = Date.now() + Math.max(2000, 10 * (Date.now() - began));
    }
  };
  const ticker = setInterval(() => view.update(rows(), settling), 200);
  const storeTicker = setInterval(() => void refreshStored(), 500);
  try {
    await runTraffic(new Scenario(config.services, config.errorRatio), producers, {
      rate: config.rate,
      burst: config.burst,
      count: config.count,
      durationSec: config.duration,
      stopped,
    });
    settling = true;
    // Wait while storage makes progress: give up only after `settleMs` without a single new log stored.
    let lastProgressAt = Date.now();
    let lastStored = -1;
    for (;;) {
      await refreshStored(true);
      const total = [...stored.values()].reduce((sum, n) => sum + n, 0);
      if (total > lastStored) {
        lastStored = total;
        lastProgressAt = Date.now();
      }
      const caughtUp = [...producers].every(([service, p]) => {
        const s = p.stats();
        return (stored.get(service) ?? 0) >= s.nextSeq - 1 && s.buffered === 0;
      });
      if (caughtUp || Date.now() - lastProgressAt >= config.settleMs || stopped()) break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    view.update(rows(), true);
  } finally {
    clearInterval(ticker);
    clearInterval(storeTicker);
    await Promise.all(
      [...producers.values()].map((p) => p.close({ waitForPersisted: false, timeoutMs: 2000 })),
    );
    view.stop();
  }
  const ranges = [...producers.values()].map((p) => ({
    stream: p.stream,
    highestSeq: p.stats().nextSeq - 1,
    persistedTill: p.stats().persistedTill,
  }));
  const counts = await store.count(ranges);
  const outcomes: StreamOutcome[] = [...producers.values()].map((p) => ({
    stream: p.stream,
    stats: p.stats(),
    store: counts.get(p.stream) ?? { documents: 0, distinct: 0, distinctThroughPersisted: 0 },
  }));
  return { report: buildReport(config.runId, outcomes, Date.now() - started), outcomes };
}
