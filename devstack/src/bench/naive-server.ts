import { Queue } from 'bullmq';
import express from 'express';
import { Redis } from 'ioredis';
import { LogInput } from '@logstream/shared-types';

/**
 * The naive design the benchmark compares LogStream's ingest with: Express, the same zod schema, one BullMQ job per
 * log, `202` as soon as the job is added; no ACK store, no receipt state, no grouping. (It does wait for the add, as
 * any design that claims to have taken the log must.) Run as a child process by the benchmark:
 * `node naive-server.js PORT REDIS_URL PREFIX`.
 */
async function main(): Promise<void> {
  const [port, redisUrl, prefix] = process.argv.slice(2);
  const connection = new Redis(redisUrl as string, { maxRetriesPerRequest: null });
  const queue = new Queue('naive', { connection, prefix: prefix as string });
  await queue.waitUntilReady();
  const app = express();
  app.use(express.json({ limit: '5mb' }));
  app.post('/ingest', (req, res) => {
    void (async () => {
      const body = req.body as Record<string, unknown>;
      const { logs, ...defaults } = Array.isArray(body.logs)
        ? (body as { logs: unknown[] })
        : { logs: [body] };
      const valid = logs.flatMap((item) => {
        const parsed = LogInput.safeParse({ ...defaults, ...(item as object) });
        return parsed.success ? [parsed.data] : [];
      });
      await Promise.all(valid.map((log) => queue.add('log', log)));
      res.status(202).json({ accepted: valid.length });
    })().catch((error: unknown) => res.status(503).send(String(error)));
  });
  app.get('/', (_req, res) => res.send('ok'));
  const server = app.listen(Number(port), '127.0.0.1');
  process.once('SIGTERM', () => {
    server.close();
    void queue
      .obliterate({ force: true })
      .catch(() => undefined)
      .then(() => queue.close())
      .then(() => connection.quit())
      .finally(() => process.exit(0));
  });
}

void main();
