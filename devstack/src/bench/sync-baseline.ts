import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { LogInput } from '@logstream/shared-types';

/**
 * The design LogStream is measured against: a server that validates a request and writes its logs to the database
 * before answering (no queue). Same validation schema, same payloads. Run as a child process by the benchmark:
 * `node sync-baseline.js PORT MONGO_URL`.
 */
async function main(): Promise<void> {
  const [port, mongoUrl] = process.argv.slice(2);
  const client = await MongoClient.connect(mongoUrl as string);
  const logs = client.db().collection('logs_sync_baseline');
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const body = JSON.parse(Buffer.concat(chunks).toString()) as { service: string; logs: unknown[] };
        const batchId = randomUUID();
        const docs = body.logs.flatMap((item, index) => {
          const parsed = LogInput.safeParse({ service: body.service, ...(item as object) });
          return parsed.success
            ? [{ _id: `${batchId}:${index}`, ...parsed.data, ts: parsed.data.timestamp ?? new Date() }]
            : [];
        });
        await logs.insertMany(docs as never[], { ordered: false });
        res
          .writeHead(201, { 'content-type': 'application/json' })
          .end(JSON.stringify({ stored: docs.length }));
      })().catch((error: unknown) => res.writeHead(500).end(String(error)));
    });
  });
  server.listen(Number(port), '127.0.0.1', () => process.stdout.write('ready\n'));
  process.once('SIGTERM', () => {
    server.close();
    void client.close().then(() => process.exit(0));
  });
}

void main();
