import { Command, CommanderError, Option } from 'commander';
import { ConfigError } from '@logstream/shared-types';
import { loadConfig, type ImportConfig } from './config';
import { importFile, type ImportSummary } from './import-run';
import { ProgressView } from './progress-view';
import { formatSummary } from './summary';

/** Exit codes: 0 everything stored (or refused with a reason), 1 logs left unstored or a run error, 2 bad options. */
const EXIT = { ok: 0, incomplete: 1, usage: 2 } as const;

function cli(): Command {
  return new Command('import')
    .description(
      'Imports log files (NDJSON, JSON arrays, plain text; gzip or not) into LogStream through the producer client.\nThe API key is read from the API_KEY environment variable.',
    )
    .argument('<files...>', 'files to import, in order')
    .option('--url <url>', 'ingestion API base URL (env INGEST_URL; default http://127.0.0.1:3000)')
    .option('--service <name>', 'service of logs that name none (default: the file name as a slug)')
    .addOption(
      new Option('--format <format>', 'input format (default auto)').choices([
        'auto',
        'ndjson',
        'json',
        'text',
      ]),
    )
    .option('--spool-dir <dir>', 'spools and resume checkpoints (default .logstream/import)')
    .option('--wait-ms <ms>', 'wait at most this long at the end for storage (default 600000)')
    .option('--json', 'print one JSON summary per file on stdout, no progress')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
}

async function main(argv: string[]): Promise<number> {
  const program = cli();
  let config: ImportConfig;
  try {
    program.parse(argv);
    config = loadConfig(program.opts(), program.args);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (error instanceof ConfigError) {
      process.stderr.write(`import: ${error.message}\n(run with --help for the options)\n`);
      return EXIT.usage;
    }
    throw error;
  }
  let interrupted = false;
  process.on('SIGINT', () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write('\nimport: interrupted; spooling what is held (Ctrl-C again to quit at once)\n');
  });
  const summaries: ImportSummary[] = [];
  for (const file of config.files) {
    const mode = config.json ? 'silent' : process.stderr.isTTY ? 'bar' : 'lines';
    const view = new ProgressView(mode, file);
    try {
      summaries.push(
        await importFile({ config, file, onProgress: (p) => view.update(p), interrupted: () => interrupted }),
      );
    } finally {
      view.stop();
    }
    const summary = summaries[summaries.length - 1] as ImportSummary;
    process.stdout.write(config.json ? `${JSON.stringify(summary)}\n` : `${formatSummary(summary)}\n`);
    if (interrupted) break;
  }
  const incomplete = interrupted || summaries.some((s) => s.pending > 0);
  return incomplete ? EXIT.incomplete : EXIT.ok;
}

main(process.argv).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`import: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(EXIT.incomplete);
  },
);
