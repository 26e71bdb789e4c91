import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { runScaleOut, type ScaleOutCase } from '../bench/scale-out';
import { loadConfig } from '../config';
import { resolveMongo } from '../mongo';
import { repoRoot } from '../paths';

const list = (text: string) => text.split(',').map((part) => Number(part.trim()));

/**
 * `npm run bench:scale`: end-to-end throughput with 1, 2, 4 worker processes on a 1- and a 3-master Redis Cluster
 * (started from redis-server, no Docker). Writes the raw result to docs/benchmarks/raw/<date>-scale-out.json.
 */
async function main(): Promise<void> {
  const program = new Command('bench:scale')
    .option('--workers <list>', 'worker process counts', '1,2,4')
    .option('--masters <list>', 'Redis Cluster master counts', '1,3')
    .option('--apis <n>', 'API processes', '2')
    .option('--partitions <n>', 'ingest queues (QUEUE_PARTITIONS)', '6')
    .option('--logs <n>', 'logs per case', '20000')
    .option('--connections <n>', 'HTTP connections per API', '8')
    .option('--json', 'print only the JSON result')
    .parse();
  const opts = program.opts<Record<string, string | boolean>>();
  const log = (line: string) => process.stderr.write(`[bench:scale] ${line}\n`);
  const config = loadConfig();
  const mongo = await resolveMongo({ envUrl: config.MONGO_URL, prefer: config.LOGSTREAM_MONGO, log });
  const cases: ScaleOutCase[] = list(String(opts.masters)).flatMap((masters) =>
    list(String(opts.workers)).map((workers) => ({ masters, workers })),
  );
  try {
    const results = await runScaleOut({
      cases,
      apis: Number(opts.apis),
      partitions: Number(opts.partitions),
      logs: Number(opts.logs),
      connections: Number(opts.connections),
      mongoUrl: mongo.url,
      log,
    });
    const report = {
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version },
      mongo: mongo.source,
      results,
    };
    const dir = path.join(repoRoot(), 'docs', 'benchmarks', 'raw');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${report.date.slice(0, 10)}-scale-out.json`);
    fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    log(`raw result written to ${path.relative(repoRoot(), file)}`);
    if (opts.json) process.stdout.write(`${JSON.stringify(report)}\n`);
    else {
      const rows = results.map(
        (r) =>
          `${String(r.masters).padStart(7)} ${String(r.workers).padStart(7)} ${String(r.storedLogsPerSec).padStart(10)} ${String(r.endToEndSeconds).padStart(8)} ${String(r.load1).padStart(6)}`,
      );
      process.stdout.write(`masters workers  logs/s e2e  seconds   load\n${rows.join('\n')}\n`);
    }
  } finally {
    await mongo.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:scale failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
