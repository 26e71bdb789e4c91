import { Command } from 'commander';
import { Presets, SingleBar } from 'cli-progress';
import { connectMongo } from '../connection';
import { createModels } from '../models/index';
import { backfillWords } from '../search/backfill-words';
import { loadBackfillCliConfig } from './config';

/**
 * `npm run backfill:words`: gives logs stored before the `words` field existed that field, so text search finds
 * them (MONGO_URL as for the worker). Safe to run again; progress per hour on stderr. A CLI: prints to stdout.
 */
async function main(): Promise<void> {
  new Command()
    .name('backfill:words')
    .description('Add the searchable `words` field to logs stored without it (MONGO_URL as for the worker)')
    .parse();
  const config = loadBackfillCliConfig();
  const connection = await connectMongo(config.MONGO_URL, {
    maxPoolSize: 4,
    serverSelectionTimeoutMS: 5_000,
  });
  const bar = new SingleBar(
    {
      format: 'backfill words [{bar}] {value}/{total} hours | {updated} logs updated',
      stream: process.stderr,
    },
    Presets.shades_classic,
  );
  try {
    let started = false;
    const result = await backfillWords(createModels(connection), (progress) => {
      if (!started) bar.start(progress.hours, 0, { updated: 0 });
      started = true;
      bar.update(progress.hoursDone, { updated: progress.updated });
    });
    bar.stop();
    process.stdout.write(`Done: ${result.updated} logs given words over ${result.hours} hours.\n`);
  } finally {
    await connection.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`backfill:words failed: ${(error as Error).message}\n`);
  process.exit(1);
});
