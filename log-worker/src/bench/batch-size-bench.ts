import { mongoUrlWithDb, resolveMongo, uniqueName } from '@logstream/devstack';
import type { JobLog } from '@logstream/shared-types';
import { connectMongo, createModels, ensureIndexes } from '@logstream/storage';
import { LogWriter, type PendingLog } from '../repositories/log-writer';

/**
 * `npm run bench:batch-size -- [--logs N] [--sizes 25,50,100,200] [--lanes 8] [--rollup-delay 200]`: the worker's
 * write step alone (LogWriter: journal, insert, rollup increments written together after `rollup-delay` ms) at several
 * batch sizes, `lanes` flushes at once as in the worker (a lane stores its next batch while the increments follow),
 * with every database command counted, next to a raw `insertMany` of the same documents. Each size writes into its own
 * database. Prints a JSON object as its last line.
 */
async function main(): Promise<void> {
  const arg = (name: string, fallback: string) => {
    const index = process.argv.indexOf(`--${name}`);
    return index > 0 ? (process.argv[index + 1] as string) : fallback;
  };
  const logs = Number(arg('logs', '10000'));
  const sizes = arg('sizes', '25,50,100,200').split(',').map(Number);
  const lanes = Number(arg('lanes', '8'));
  const rollupDelayMs = Number(arg('rollup-delay', '200'));
  const log = (line: string) => process.stderr.write(`[bench:batch-size] ${line}\n`);
  const mongo = await resolveMongo({ envUrl: process.env.MONGO_URL, log });
  const now = new Date();
  const pending = (n: number): PendingLog => {
    const jobLog: JobLog = {
      id: `batch-bench#s@${n}`,
      service: 'batch-bench',
      session: 's',
      seq: n,
      fp: 'f'.repeat(16),
      level: (['info', 'info', 'warn', 'error'] as const)[n % 4] as JobLog['level'],
      message: `GET /api/orders/${n % 977} answered 200 in ${n % 250} ms`,
      ts: now.toISOString(),
      requestId: `req_${n}`,
      meta: { route: '/api/orders/:id', status: 200 },
    };
    return { log: jobLog, batchId: `b${Math.floor(n / 100)}`, receivedAt: now };
  };
  const results: Record<string, unknown>[] = [];
  try {
    for (const size of sizes) {
      for (const mode of ['writer', 'raw'] as const) {
        const connection = await connectMongo(mongoUrlWithDb(mongo.url, uniqueName(`bsize${size}`)), {
          monitorCommands: true,
        });
        const models = createModels(connection);
        await ensureIndexes(models);
        const commands: Record<string, number> = {};
        connection.getClient().on('commandStarted', (event) => {
          commands[event.commandName] = (commands[event.commandName] ?? 0) + 1;
        });
        const writer = new LogWriter(models, { rollupDelayMs });
        const rollups: Promise<void>[] = [];
        const batches = Math.ceil(logs / size);
        let next = 0;
        const started = performance.now();
        await Promise.all(
          Array.from({ length: lanes }, async (_, lane) => {
            let flush = 0;
            while (next < batches) {
              const batch = Array.from({ length: size }, (_, i) => pending(next * size + i + 1));
              next += 1;
              if (mode === 'writer')
                rollups.push((await writer.store(batch, `lane${lane}`, ++flush)).rollups);
              else
                await models.Log.collection.insertMany(
                  batch.map((p) => ({
                    _id: p.log.id,
                    ...p.log,
                    ts: now,
                    minute: now,
                    flushRef: 'raw',
                  })) as never[],
                  { ordered: false },
                );
            }
          }),
        );
        await Promise.all(rollups);
        const seconds = (performance.now() - started) / 1000;
        const per1000 = Object.fromEntries(
          Object.entries(commands).map(([name, count]) => [
            name,
            Math.round((count / (batches * size)) * 10_000) / 10,
          ]),
        );
        results.push({
          size,
          mode,
          lanes,
          ...(mode === 'writer' && { rollupDelayMs }),
          logsPerSec: Math.round((batches * size) / seconds),
          commandsPer1000Logs: per1000,
        });
        log(JSON.stringify(results.at(-1)));
        await connection.dropDatabase();
        await connection.close();
      }
    }
  } finally {
    await mongo.stop();
  }
  process.stdout.write(`${JSON.stringify({ date: new Date().toISOString(), logs, lanes, results })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:batch-size failed: ${(error as Error).message}\n`);
  process.exit(1);
});
