import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { serverBuild } from '@logstream/storage';
import { dbInsertCeiling, queueAddCeiling } from '../bench/ceilings';
import { measureBacklog, measureEndToEnd, resetPipeline } from '../bench/end-to-end';
import { measureBatch, measureSingle } from '../bench/ingest-modes';
import { loadAverage } from '../bench/load';
import { machine, ratiosOf, type BenchReport } from '../bench/report';
import { startBenchStack } from '../bench/stack';
import { measureSyncLatency } from '../bench/sync-latency';
import { repoRoot } from '../paths';
import { cleanUpOnSignal } from '../process-utils';

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

// `npm run bench -- --scale …` is the scale-out mode (N workers, N Redis masters): the same as `npm run bench:scale`.
if (process.argv.includes('--scale')) {
  const rest = process.argv.slice(2).filter((arg) => arg !== '--scale');
  const run = spawnSync(process.execPath, [path.join(__dirname, 'bench-scale.js'), ...rest], {
    stdio: 'inherit',
  });
  process.exit(run.status ?? 1);
}

const program = new Command()
  .name('bench')
  .description(
    'Measures ingest, the naive design, end to end, and the ceilings of the queue and the database, in one run',
  )
  .option('--json', 'print the result as one JSON line (always the last line)')
  .option('--quick', 'smaller amounts and shorter runs (under 5 minutes)')
  .option(
    '--smoke',
    'every mode for a moment (under a minute): checks the bench runs, its figures mean nothing',
  )
  .option(
    '--backlog <logs>',
    'also drain a backlog of this many logs with one worker and report its memory',
    Number,
  )
  .option(
    '--batch-size <logs>',
    "the worker's BATCH_SIZE for the end-to-end run (default: the worker's own, 50)",
    Number,
  )
  .option('--no-write', 'do not write the raw result under docs/benchmarks/raw')
  .option(
    '--scale',
    'the scale-out mode instead: --workers 1,2,4 --masters 1,3 … (see npm run bench:scale -- --help)',
  )
  .parse();

const options = program.opts<{
  json?: boolean;
  quick?: boolean;
  smoke?: boolean;
  backlog?: number;
  batchSize?: number;
  write: boolean;
}>();

async function main(): Promise<void> {
  const smoke = options.smoke === true;
  const quick = options.quick === true || smoke;
  const sizes = smoke
    ? {
        queueLogs: 2_000,
        queueSeconds: 0.5,
        dbLogs: 1_000,
        singleSeconds: 1,
        rateSeconds: 1,
        batchSeconds: 1,
        e2eLogs: 2_000,
        latencySeconds: 1,
      }
    : quick
      ? {
          queueLogs: 20_000,
          queueSeconds: 2,
          dbLogs: 20_000,
          singleSeconds: 8,
          rateSeconds: 15,
          batchSeconds: 4,
          e2eLogs: 30_000,
          latencySeconds: 8,
        }
      : {
          queueLogs: 100_000,
          queueSeconds: 2,
          dbLogs: 50_000,
          singleSeconds: 20,
          rateSeconds: 20,
          batchSeconds: 8,
          e2eLogs: 200_000,
          latencySeconds: 20,
        };
  const loadStart = loadAverage();
  const stack = await startBenchStack();
  // Interrupted (Ctrl-C), it still stops the API, workers and servers it started and deletes its data.
  const releaseSignals = cleanUpOnSignal(() => stack.close());
  try {
    log(
      `ceilings: BullMQ addBulk of 100-log jobs for at least ${sizes.queueLogs} logs and ${sizes.queueSeconds} s; insertMany of ${sizes.dbLogs} logs, 50 per call, 4 writers, then again with rollup increments`,
    );
    const queueAdd = await queueAddCeiling({
      redisUrl: stack.redisUrl,
      prefix: stack.sidePrefix('ceiling'),
      logs: sizes.queueLogs,
      minSeconds: sizes.queueSeconds,
    });
    const dbInsert = await dbInsertCeiling({ mongoUrl: stack.sideMongoUrl('ceiling'), logs: sizes.dbLogs });
    const dbInsertWithRollups = await dbInsertCeiling({
      mongoUrl: stack.sideMongoUrl('ceiling_rollups'),
      logs: sizes.dbLogs,
      rollups: true,
    });

    const single = {
      connections: 32,
      seconds: sizes.singleSeconds,
      rate: 200,
      rateSeconds: sizes.rateSeconds,
    };
    log(
      `ingest.single: one log per request, ${single.connections} in flight for ${single.seconds} s, then ${single.rate} req/s`,
    );
    const watch = (serverPid: number) => ({ serverPid, redisUrl: stack.redisUrl });
    const ingestSingle = await measureSingle({
      url: stack.apiUrl,
      service: 'bench-single',
      ...single,
      cpu: watch(stack.apiPid),
    });
    log(`naive.single: the same against the naive design (one BullMQ job per log)`);
    const naiveSingle = await measureSingle({
      url: stack.naiveUrl,
      service: 'bench-single',
      ...single,
      cpu: watch(stack.naivePid),
    });
    log(`ingest.batch100: 100 logs per request, 16 in flight for ${sizes.batchSeconds} s`);
    const batch100 = await measureBatch({
      url: stack.apiUrl,
      service: 'bench-batch',
      connections: 16,
      seconds: sizes.batchSeconds,
      cpu: watch(stack.apiPid),
    });
    await resetPipeline(stack);

    log(`endToEnd: ${sizes.e2eLogs} logs in 100-log requests with a worker running, until all are stored`);
    const workerEnv = options.batchSize ? { BATCH_SIZE: String(options.batchSize) } : undefined;
    const endToEnd = await measureEndToEnd(stack, { logs: sizes.e2eLogs, ...(workerEnv && { workerEnv }) });
    log(
      `latency: 30 req/s of 100 logs for ${sizes.latencySeconds} s against LogStream, then the synchronous baseline`,
    );
    const latency = await measureSyncLatency({
      apiUrl: stack.apiUrl,
      syncUrl: stack.syncUrl,
      rate: 30,
      seconds: sizes.latencySeconds,
    });
    await stack.stopWorkers();

    let backlog: BenchReport['backlog'];
    if (options.backlog) {
      await resetPipeline(stack);
      log(`backlog: ${options.backlog} logs enqueued with no worker, then one worker drains them`);
      backlog = await measureBacklog(stack, { logs: options.backlog });
    }

    const build = await serverBuild(stack.client.db());
    const server =
      build.ferretdbVersion !== undefined
        ? `FerretDB ${build.ferretdbVersion} (wire-compatible, reports MongoDB ${build.version})`
        : `MongoDB ${build.version}`;
    const partial: Omit<BenchReport, 'ratios' | 'targets'> = {
      date: new Date().toISOString(),
      quick,
      ...(smoke && { smoke }),
      machine: machine(),
      backend: { ...stack.backend, server },
      loadAvg: { start: loadStart, end: loadAverage() },
      ceilings: {
        queueAddLogsPerSec: queueAdd.logsPerSec,
        dbInsertLogsPerSec: dbInsert.logsPerSec,
        queueAdd,
        dbInsert,
        dbInsertWithRollups,
      },
      ingest: { single: ingestSingle, batch100 },
      naive: { single: naiveSingle },
      endToEnd,
      insertCommandsPer1000Logs: endToEnd.dbCommandsPer1000Logs.insert ?? 0,
      latency,
      ...(backlog && { backlog }),
    };
    const report: BenchReport = { ...partial, ...ratiosOf(partial) };
    if (options.write && !smoke) {
      const dir = path.join(repoRoot(), 'docs', 'benchmarks', 'raw');
      fs.mkdirSync(dir, { recursive: true });
      const file = path.join(
        dir,
        `${report.date.slice(0, 10)}-${quick ? 'quick' : 'full'}-${stack.backend.mongo}.json`,
      );
      fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
      log(`raw result written to ${path.relative(repoRoot(), file)}`);
    }
    process.stdout.write(
      options.json ? `${JSON.stringify(report)}\n` : `${JSON.stringify(report, null, 2)}\n`,
    );
  } finally {
    releaseSignals();
    await stack.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).message}\n`);
  process.exit(1);
});
