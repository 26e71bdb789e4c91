import { Command, CommanderError, Option } from 'commander';
import { connectMongo } from '@logstream/storage';
import { ConfigError } from '@logstream/shared-types';
import { loadConfig } from './config';
import { formatReport } from './report';
import { ProgressView, progressMode } from './progress-view';
import { runSimulation } from './simulation';
import { StoreCheck } from './store-check';

/**
 * Exit codes: 0 all stored exactly once; 1 something lost or duplicated, or a run error; 2 bad options; 3 nothing lost
 * or duplicated, but some logs were not stored yet when storage stopped making progress.
 */
const EXIT = { ok: 0, integrity: 1, usage: 2, incomplete: 3 } as const;

function cli(): Command {
  return new Command('simulate')
    .description(
      'Plays services emitting logs through the LogStream producer client, then checks what MongoDB stored.',
    )
    .option('--url <url>', 'ingestion API base URL (env INGEST_URL; default http://127.0.0.1:3000)')
    .option('--rate <n>', 'logs per second over all services (env SIM_RATE; default 1000)')
    .addOption(
      new Option('--duration <seconds>', 'run for this long (default 10 when --count is absent)').conflicts(
        'count',
      ),
    )
    .option('--count <n>', 'send exactly this many logs in total')
    .option(
      '--services <list>',
      'comma-separated services (env SIM_SERVICES; default auth,payment,notification)',
    )
    .option('--burst <factor>', 'multiply the rate by this for 1 s in every 5 s (default 1: no bursts)')
    .option('--error-ratio <p>', 'share of requests that fail, 0..1 (default 0.05)')
    .option('--drop <p>', 'chaos: probability a batch is dropped unsent, 0..1 (default 0)')
    .option('--dup <p>', 'chaos: probability a batch is sent twice, 0..1 (default 0)')
    .option('--reorder <p>', 'chaos: probability two batches are swapped, 0..1 (default 0)')
    .option('--api-key <key>', 'x-api-key to send (env API_KEY)')
    .option(
      '--mongo-url <url>',
      'MongoDB to verify against (env MONGO_URL; default mongodb://127.0.0.1:27017/logstream)',
    )
    .option('--json', 'print only one JSON object (the report) on stdout')
    .option('--spool-dir <dir>', 'spool each stream to a file in this directory')
    .option(
      '--settle-ms <ms>',
      'at the end, stop waiting once storage stored nothing new for this long (default 60000)',
    )
    .option(
      '--run-id <id>',
      'instance name of every stream (default run-<random>); reuse with --spool-dir to resume',
    )
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
}

async function main(argv: string[]): Promise<number> {
  const program = cli();
  let config;
  try {
    program.parse(argv);
    config = loadConfig(program.opts());
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (error instanceof ConfigError) {
      process.stderr.write(`simulate: ${error.message}\n(run with --help for the options)\n`);
      return EXIT.usage;
    }
    throw error;
  }
  const connection = await connectMongo(config.mongoUrl, { serverSelectionTimeoutMS: 5000, maxPoolSize: 2 });
  let interrupted = false;
  process.once('SIGINT', () => (interrupted = true));
  try {
    const services = config.services;
    const planned = Math.ceil((config.count ?? config.rate * (config.duration ?? 0)) / services.length);
    const view = new ProgressView(
      progressMode(config.json, process.stdout.isTTY === true),
      services,
      planned,
    );
    const { report, outcomes } = await runSimulation(
      config,
      new StoreCheck(connection),
      view,
      () => interrupted,
    );
    if (config.json) process.stdout.write(`${JSON.stringify(report)}\n`);
    else process.stdout.write(`\n${formatReport(report, outcomes)}\n`);
    return report.outcome === 'ok'
      ? EXIT.ok
      : report.outcome === 'incomplete'
        ? EXIT.incomplete
        : EXIT.integrity;
  } finally {
    await connection.close();
  }
}

main(process.argv).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`simulate: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(EXIT.integrity);
  },
);
