import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { runChaosSoak, type ChaosReport } from './chaos-soak';

function positive(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new InvalidArgumentError('must be a positive number');
  return parsed;
}

function cli(): Command {
  return new Command('chaos')
    .description(
      'Chaos soak: services with replicas send through the producer client while the worker is SIGKILLed every few ' +
        'seconds, Redis restarts empty once and the database is frozen once; then audits MongoDB. Exits 1 on any loss, ' +
        'duplicate, or per-minute count that differs from the stored logs.',
    )
    .option('--minutes <n>', 'how long producers send', positive, 10)
    .option('--services <n>', 'services', positive, 3)
    .option('--replicas <n>', 'producers per service', positive, 2)
    .option('--rate <n>', 'logs per second per producer (what 2 cores drain under the faults)', positive, 15)
    .option('--kill-every <seconds>', 'SIGKILL the worker this often', positive, 8)
    .option('--pause <seconds>', 'freeze the database (SIGSTOP) this long, once', positive, 15)
    .option('--settle <seconds>', 'at the end, wait at most this long for everything to be persisted', positive, 300)
    .option('--json', 'print only the report as one JSON object on stdout')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
}

function table(report: ChaosReport): string {
  const rows = report.perProducer.map(
    (p) =>
      `  ${p.stream.padEnd(14)} ${p.session.slice(0, 10).padEnd(11)} sent ${String(p.sent).padStart(7)}  stored ` +
      `${String(p.stored).padStart(7)}  lost ${String(p.lost).padStart(5)}  held ${String(p.held).padStart(5)}  duplicates ${p.duplicates}`,
  );
  return [
    `chaos soak: ${(report.durationMs / 60_000).toFixed(1)} min, ${report.producers} producers, ` +
      `${report.faults.workerKills} worker kills, ${report.faults.redisRestarts} Redis restart, ` +
      `database frozen ${report.faults.databasePauseMs / 1000} s`,
    ...rows,
    `  total: sent ${report.sent}, stored ${report.stored}, lost ${report.lost}, still held by producers ${report.held}, duplicates ${report.duplicates}, ` +
      `unfinished producers ${report.incomplete}, worker RSS peak ${report.workerRssPeakMb} MB`,
    `  per-minute counts: ${report.rollups.counted} counted for ${report.rollups.stored} stored` +
      (report.rollups.differing.length > 0 ? ` — differ: ${report.rollups.differing.join('; ')}` : ' (equal)'),
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const program = cli();
  try {
    program.parse(argv);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    throw error;
  }
  const opts = program.opts<{
    minutes: number;
    services: number;
    replicas: number;
    rate: number;
    killEvery: number;
    pause: number;
    settle: number;
    json?: boolean;
  }>();
  const report = await runChaosSoak({
    durationMs: Math.round(opts.minutes * 60_000),
    services: Math.round(opts.services),
    replicas: Math.round(opts.replicas),
    ratePerProducer: opts.rate,
    killEveryMs: opts.killEvery * 1000,
    pauseMs: opts.pause * 1000,
    settleMs: opts.settle * 1000,
    log: (line) => process.stderr.write(`[chaos ${new Date().toISOString().slice(11, 19)}] ${line}\n`),
  });
  process.stdout.write(opts.json ? `${JSON.stringify(report)}\n` : `${table(report)}\n${JSON.stringify(report)}\n`);
  const counted = report.rollups.differing.length === 0;
  return report.lost === 0 && report.duplicates === 0 && report.incomplete === 0 && counted ? 0 : 1;
}

main(process.argv).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`chaos: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
