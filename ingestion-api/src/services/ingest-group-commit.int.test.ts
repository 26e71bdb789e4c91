import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { AckStore, spaceKeys } from '@logstream/ack-store';
import { testRedisUrl, uniqueName, waitFor } from '@logstream/devstack';
import { IngestQueues } from '@logstream/runtime';
import { queueLayout, type IngestJobData, type IngestReceipt, type JobLog } from '@logstream/shared-types';
import { AppError } from '../errors';
import { IngestService } from './ingest-service';

type Body = { service: string; session?: string; logs: { level: string; message: string; seq?: number }[] };

/** Group commit on the real Redis (ACK store and BullMQ); log-sink.int.test.ts stores grouped jobs. */
describe('IngestService group commit', () => {
  let prefix: string;
  let redis: Redis;
  let queueClient: Redis;
  let queue: Queue<IngestJobData>;
  let service: IngestService;

  beforeEach(async () => {
    prefix = uniqueName('group');
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 });
    // The queue gets its own connection, so that a test can cut it while the ACK store's stays up.
    queueClient = new Redis(testRedisUrl(), { maxRetriesPerRequest: 1, enableOfflineQueue: false });
    await waitFor(() => queueClient.status === 'ready', 10_000, 'redis did not connect');
    const queues = new IngestQueues({
      layout: queueLayout({ partitions: 1, cluster: false }),
      connection: queueClient,
      prefix,
    });
    queue = queues.all[0] as Queue<IngestJobData>;
    service = new IngestService(queues, new AckStore(redis, { prefix }), { maxInFlight: 1 });
  });

  afterEach(async () => {
    await queue.close().catch(() => undefined);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await Promise.all([redis.quit(), queueClient.quit().catch(() => undefined)]);
  });

  /** Every job's logs, each with the request it came in (per log in a shared job, else the job's batchId). */
  async function enqueued(): Promise<(JobLog & { request: string })[]> {
    const jobs = await queue.getJobs(['waiting', 'delayed', 'prioritized', 'active']);
    return jobs.flatMap((job) =>
      job.data.logs.map((log) => ({ ...log, request: log.batchId ?? job.data.batchId })),
    );
  }

  async function outcome(promise: Promise<IngestReceipt>): Promise<IngestReceipt | AppError> {
    try {
      return await promise;
    } catch (error) {
      if (error instanceof AppError) return error;
      throw error;
    }
  }

  it('gives each request of a group its own receipt, and enqueues each log once under its own request', async () => {
    const bodies: Body[] = [];
    const nextSeq = new Map<string, number>();
    for (let n = 0; n < 60; n++) {
      const session = `s${n % 7}`;
      const count = 1 + (n % 3);
      const from = (nextSeq.get(session) ?? 0) + 1;
      nextSeq.set(session, from + count - 1);
      const logs = Array.from({ length: count }, (_, i) => ({
        level: 'info',
        message: `r${n} l${i}`,
        seq: from + i,
      }));
      if (n % 5 === 0) logs.push({ level: 'warn', message: `r${n} unnumbered` } as never);
      bodies.push({ service: 'grouped', session, logs });
    }
    const receipts = await Promise.all(bodies.map((body) => service.ingest(body)));

    expect(service.groupStats.groups).toBeLessThan(bodies.length);
    expect(service.groupStats.largestGroup).toBeGreaterThan(1);
    expect(new Set(receipts.map((receipt) => receipt.batchId)).size).toBe(bodies.length);
    const logs = await enqueued();
    expect(logs).toHaveLength(bodies.reduce((sum, body) => sum + body.logs.length, 0));
    receipts.forEach((receipt, n) => {
      const body = bodies[n] as Body;
      const space = `grouped#${body.session}`;
      const ownSeqs = body.logs.flatMap((log) => (log.seq === undefined ? [] : [log.seq]));
      expect(receipt.accepted).toBe(body.logs.length);
      expect(Object.keys(receipt.streams ?? {})).toEqual([space]);
      expect(receipt.streams?.[space]?.session).toBe(body.session);
      // The state is the space's after the group: at least as far as this request's own seqs (sent in order).
      expect(receipt.ackTill).toBeGreaterThanOrEqual(Math.max(...ownSeqs));
      const mine = logs.filter((log) => log.request === receipt.batchId);
      expect(mine.map((log) => log.message).sort()).toEqual(body.logs.map((log) => log.message).sort());
      for (const log of mine) {
        if (log.seq === undefined) expect(log.id.startsWith(`${receipt.batchId}:`)).toBe(true);
        else expect(log.id).toBe(`${space}@${log.seq}`);
      }
    });
  });

  it('answers 503 with Retry-After to every request of a group whose job could not be enqueued, and no receipt', async () => {
    await service.ingest({
      service: 'cut',
      session: 'warm',
      logs: [{ level: 'info', message: 'x', seq: 1 }],
    });
    queueClient.disconnect();
    await waitFor(() => queueClient.status !== 'ready', 5_000, 'queue connection stayed up');
    const results = await Promise.all(
      [1, 2, 3].map((seq) =>
        outcome(
          service.ingest({
            service: 'cut',
            session: 'a',
            logs: [{ level: 'info', message: `m${seq}`, seq }],
          }),
        ),
      ),
    );
    for (const result of results) {
      expect(result).toBeInstanceOf(AppError);
      expect((result as AppError).status).toBe(503);
      expect((result as AppError).headers['Retry-After']).toBeDefined();
    }
    const check = new Queue<IngestJobData>(
      queueLayout({ partitions: 1, cluster: false }).ingest[0] as string,
      {
        connection: redis,
        prefix,
      },
    );
    const jobs = await check.getJobs(['waiting', 'delayed', 'prioritized', 'active']);
    expect(jobs.flatMap((job) => job.data.logs).filter((log) => log.session === 'a')).toEqual([]);
    await check.close();
  });

  it('fails only the requests whose sequence space met a Redis error mid-group; the others get their receipts', async () => {
    // A key of the wrong type makes that space's script call fail inside Redis while the rest of the pipeline runs.
    await redis.set(spaceKeys(prefix, 'mid#broken').received, 'not an interval set');
    const requests: Body[] = [
      { service: 'mid', session: 'broken', logs: [{ level: 'info', message: 'a1', seq: 1 }] },
      { service: 'mid', session: 'fine', logs: [{ level: 'info', message: 'b1', seq: 1 }] },
      {
        service: 'mid',
        logs: [
          { level: 'info', message: 'c-fine', seq: 2, session: 'fine' } as never,
          { level: 'info', message: 'c-broken', seq: 2, session: 'broken' } as never,
          { level: 'info', message: 'c-unnumbered' },
        ],
      },
      {
        service: 'mid',
        session: 'fine',
        logs: [
          { level: 'info', message: 'd1', seq: 3 },
          { level: 'info', message: 'd-plain' },
        ],
      },
    ];
    const results = await Promise.all(requests.map((body) => outcome(service.ingest(body))));
    expect(service.groupStats.largestGroup).toBe(4);

    const [broken, fine, mixed, alsoFine] = results;
    for (const failed of [broken, mixed]) {
      expect(failed).toBeInstanceOf(AppError);
      expect((failed as AppError).status).toBe(503);
      expect((failed as AppError).headers['Retry-After']).toBe('1');
    }
    expect((fine as IngestReceipt).streams?.['mid#fine']?.highestSeq).toBeGreaterThanOrEqual(1);
    expect((alsoFine as IngestReceipt).accepted).toBe(2);
    const messages = (await enqueued()).map((log) => log.message).sort();
    // Never enqueued: the broken space's logs, and the unnumbered log of the failed request (its retry brings it).
    // Enqueued: everything of the answered requests, and the failed request's log whose space did take it (the ACK
    // store counts it in flight, so a retry is told it is a duplicate and must find it on its way).
    expect(messages).toEqual(['b1', 'c-fine', 'd-plain', 'd1']);
  });
});
