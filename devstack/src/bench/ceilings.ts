import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { connectMongo, createModels, rollupId, type LogDocument } from '@logstream/storage';
import { loadAverage, round } from './load';
import { storedLogDocument } from './payloads';

/** A ceiling: the most the bare component took, on this machine, in this run. */
export interface Ceiling {
  logsPerSec: number;
  logs: number;
  seconds: number;
  loadAvg: number;
}

/** The ceiling of a run that took `logs` logs since `started` (`performance.now()`). */
function ceilingOf(logs: number, started: number): Ceiling {
  const seconds = (performance.now() - started) / 1000;
  return { logsPerSec: Math.round(logs / seconds), logs, seconds: round(seconds), loadAvg: loadAverage() };
}

/**
 * Raw BullMQ `addBulk` of 100-log jobs (payloads shaped like the API's) into the same Redis, `writers` calls of
 * `jobsPerCall` jobs in flight: what the queue takes with no HTTP, validation or ACK in front of it. It adds at least
 * `logs` logs and goes on until `minSeconds` have passed: 20 000 logs take well under 0.1 s, a window so short that the
 * figure moved between 200 000 and 410 000 logs/s from one run to the next.
 */
export async function queueAddCeiling(options: {
  redisUrl: string;
  prefix: string;
  logs: number;
  minSeconds?: number;
  writers?: number;
  jobsPerCall?: number;
}): Promise<Ceiling> {
  const writers = options.writers ?? 4;
  const jobsPerCall = options.jobsPerCall ?? 10;
  const connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue('ceiling', { connection, prefix: options.prefix });
  const jobs = Math.ceil(options.logs / 100);
  const minMs = (options.minSeconds ?? 0) * 1000;
  let next = 0;
  const receivedAt = new Date().toISOString();
  const makeJob = (n: number) => ({
    name: 'ingest',
    data: {
      batchId: `ceiling-${n}`,
      receivedAt,
      logs: Array.from({ length: 100 }, (_, i) => ({
        id: `bench-ceiling#q@${n * 100 + i + 1}`,
        service: 'bench-ceiling',
        session: 'q',
        seq: n * 100 + i + 1,
        fp: 'f'.repeat(16),
        level: 'info',
        message: `GET /api/orders/${i} answered 200 in ${i} ms`,
        ts: receivedAt,
        requestId: `req_${i}`,
        meta: { route: '/api/orders/:id', status: 200 },
      })),
    },
    opts: { jobId: `ceiling-${n}` },
  });
  try {
    await queue.waitUntilReady();
    const started = performance.now();
    const more = () => next < jobs || performance.now() - started < minMs;
    await Promise.all(
      Array.from({ length: writers }, async () => {
        while (more()) {
          const first = next;
          next += jobsPerCall;
          await queue.addBulk(Array.from({ length: next - first }, (_, k) => makeJob(first + k)));
        }
      }),
    );
    return ceilingOf(next * 100, started);
  } finally {
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await connection.quit();
  }
}

/**
 * Raw `insertMany` of 50 documents shaped like stored logs, into a collection with the product's log indexes, from
 * `writers` concurrent writers, into the same database server: what storage takes with nothing else around it.
 *
 * With `rollups`, each insert is followed by a bulk `$inc` of the per-minute rollup buckets of its logs (one upsert
 * statement per minute × service × level), one bulk at a time across writers as the worker runs them (FerretDB
 * applies `$inc` as an unisolated read-modify-write): the storage side of a worker flush without the ACK and queue work.
 */
export async function dbInsertCeiling(options: {
  mongoUrl: string;
  logs: number;
  writers?: number;
  rollups?: boolean;
}): Promise<Ceiling> {
  const writers = options.writers ?? 4;
  const connection = await connectMongo(options.mongoUrl);
  try {
    const models = createModels(connection);
    await models.Log.createIndexes();
    const collection = models.Log.collection;
    const batches = Math.ceil(options.logs / 50);
    let next = 0;
    let rollupChain: Promise<unknown> = Promise.resolve();
    const incrementRollups = (docs: LogDocument[]) => {
      const counts = new Map<string, number>();
      for (const doc of docs) {
        const id = rollupId(doc.minute, doc.service, doc.level);
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      const write = () =>
        models.Rollup.collection.bulkWrite(
          [...counts].map(([id, count]) => ({
            updateOne: { filter: { _id: id } as never, update: { $inc: { count } }, upsert: true },
          })),
          { ordered: false },
        );
      const run = rollupChain.then(write, write);
      rollupChain = run.catch(() => undefined);
      return run;
    };
    const started = performance.now();
    await Promise.all(
      Array.from({ length: writers }, async (_, writer) => {
        while (next < batches) {
          const batch = next++;
          const docs = Array.from({ length: 50 }, (_, i) =>
            storedLogDocument(batch * 50 + i + 1, `w${writer}:${batch}`),
          );
          await collection.insertMany(docs as never[], { ordered: false });
          if (options.rollups) await incrementRollups(docs);
        }
      }),
    );
    return ceilingOf(batches * 50, started);
  } finally {
    await connection.dropDatabase().catch(() => undefined);
    await connection.close();
  }
}
