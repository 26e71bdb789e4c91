import { spawn } from 'node:child_process';
import path from 'node:path';
import { Cluster } from 'ioredis';
import { io, type Socket } from 'socket.io-client';
import {
  freePort,
  mongoUrlWithDb,
  repoRoot,
  startApp,
  startRedisCluster,
  testMongoUrl,
  uniqueName,
  waitFor,
  waitForHttp,
  type AppProcess,
  type LocalRedisCluster,
} from '@logstream/devstack';
import { connectMongo } from '@logstream/storage';

/** The simulator's JSON report (the fields asserted here). */
interface SimReport {
  sent: number;
  persisted: number;
  lost: number;
  duplicates: number;
  unpersisted: number;
  outcome: string;
}

/** Runs the traffic simulator CLI against one API until everything it sent is stored (or storage stalls). */
function simulate(apiUrl: string, mongoUrl: string, count: number, rate: number): Promise<SimReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        path.join(repoRoot(), 'traffic-simulator', 'dist', 'main.js'),
        ...['--url', apiUrl, '--mongo-url', mongoUrl, '--count', String(count), '--rate', String(rate)],
        ...[
          '--services',
          'auth,payment,notification,search',
          '--error-ratio',
          '0',
          '--settle-ms',
          '45000',
          '--json',
        ],
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err = (err + chunk.toString()).slice(-4000)));
    child.once('error', reject);
    child.once('exit', (code) => {
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as SimReport);
      } catch {
        reject(new Error(`simulator exited ${code} without a report: ${out.slice(-2000)} ${err}`));
      }
    });
  });
}

/**
 * Scale-out on a real Redis Cluster (3 masters, a replica each, from redis-server --cluster-enabled): two API processes
 * and two worker processes share K = 4 ingest queues; the simulator runs against both APIs at once.
 */
describe('scale-out on a Redis Cluster (processes)', () => {
  let cluster: LocalRedisCluster;
  let env: Record<string, string>;
  let mongoUrl: string;
  const apis: { url: string; process: AppProcess }[] = [];
  const workers: (AppProcess | undefined)[] = [];
  let workerPorts: number[] = [];

  const startWorker = async (index: number) => {
    const port = workerPorts[index] as number;
    workers[index] = startApp('log-worker', { ...env, HEALTH_PORT: String(port) });
    await waitForHttp(`http://127.0.0.1:${port}/ready`, 60_000);
  };

  beforeAll(async () => {
    cluster = await startRedisCluster({ masters: 3, replicasPerMaster: 1, nodeTimeoutMs: 1_000 });
    const db = uniqueName('scale');
    mongoUrl = mongoUrlWithDb(testMongoUrl(), db);
    env = {
      REDIS_CLUSTER_NODES: cluster.nodes,
      QUEUE_PARTITIONS: '4',
      MONGO_URL: mongoUrl,
      QUEUE_PREFIX: db,
      AUTH_REQUIRED: 'false',
      RATE_LIMIT_PER_SEC: '0',
      // Short locks, so that jobs of a killed worker come back within seconds; quick replays.
      LOCK_DURATION_MS: '4000',
      STALLED_INTERVAL_MS: '1000',
      JOB_BACKOFF_MS: '200',
      REPLAY_AFTER_MS: '3000',
    };
    workerPorts = [await freePort(), await freePort()];
    for (let index = 0; index < 2; index += 1) {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      apis.push({ url, process: startApp('ingestion-api', { ...env, PORT: String(port) }) });
      await waitForHttp(`${url}/ready`, 60_000);
      await startWorker(index);
    }
  }, 180_000);

  afterAll(async () => {
    await Promise.all([...apis.map((api) => api.process.stop()), ...workers.map((worker) => worker?.stop())]);
    await cluster?.stop();
    const connection = await connectMongo(mongoUrl);
    await connection.dropDatabase();
    await connection.close();
  });

  it('stores every log of raw requests whose logs span several queues, with no resend', async () => {
    // One request carries logs of six services, so its job is split over the queues; a raw client never answers a
    // replay request, so only logs stored on first delivery count.
    const services = Array.from({ length: 6 }, (_, index) => `raw-${index}`);
    for (let request = 0; request < 20; request += 1) {
      const logs = services.map((service) => ({
        service,
        level: 'info',
        message: `raw ${request}`,
        seq: request + 1,
      }));
      const res = await fetch(`${apis[request % 2]?.url}/ingest`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(logs),
      });
      expect(res.status).toBe(202);
    }
    const connection = await connectMongo(mongoUrl);
    try {
      const stored = () => connection.collection('logs').countDocuments({ service: { $in: services } });
      await waitFor(
        async () => (await stored()) === 120,
        30_000,
        'the logs of split jobs were not all stored',
      );
    } finally {
      await connection.close();
    }
  });

  it('stores every log exactly once from both APIs while a worker is SIGKILLed and restarted; keys spread over masters', async () => {
    // A live client on each API: the workers' emitter and the leading API's announcer reach both through the adapter.
    const events = apis.map(() => ({ logs: 0, snapshots: 0 }));
    const sockets: Socket[] = apis.map((api, index) => {
      const socket = io(api.url, { transports: ['websocket'], reconnection: true, timeout: 5000 });
      socket.on('log:new', (logs: unknown[]) => ((events[index] as { logs: number }).logs += logs.length));
      socket.on('metrics:snapshot', () => ((events[index] as { snapshots: number }).snapshots += 1));
      return socket;
    });
    await waitFor(() => sockets.every((socket) => socket.connected), 20_000, 'live clients did not connect');
    const runs = apis.map((api) => simulate(api.url, mongoUrl, 1_200, 120));
    // Kill a worker once both runs are under way (jobs in its hands), then bring it back.
    await waitFor(
      async () => {
        const stats = (await (await fetch(`${apis[0]?.url}/stats/snapshot`)).json()) as {
          queue: { completed: number };
        };
        return stats.queue.completed >= 4;
      },
      60_000,
      'no job completed',
    );
    await workers[1]?.kill('SIGKILL');
    await startWorker(1);
    const reports = await Promise.all(runs);
    for (const report of reports)
      expect(report).toMatchObject({
        lost: 0,
        duplicates: 0,
        unpersisted: 0,
        outcome: 'ok',
        persisted: 1_200,
      });

    await waitFor(
      () => events.every((seen) => seen.logs > 0 && seen.snapshots > 0),
      20_000,
      `live events did not reach both APIs' clients: ${JSON.stringify(events)}`,
    );
    for (const socket of sockets) socket.disconnect();

    // Two workers wrote the same per-minute buckets at once (and one was killed): the counts equal the stored logs.
    // On FerretDB, which updates without isolation, that takes the workers' rollup mutex.
    const connection = await connectMongo(mongoUrl);
    try {
      const totals = async () => {
        const [counted] = await connection
          .collection('rollups_minute')
          .aggregate<{ n: number }>([{ $group: { _id: null, n: { $sum: '$count' } } }])
          .toArray();
        return { stored: await connection.collection('logs').countDocuments(), counted: counted?.n ?? 0 };
      };
      await waitFor(
        async () => {
          const { stored, counted } = await totals();
          return stored === counted;
        },
        60_000,
        'the per-minute counts differ from the stored logs',
      ).catch(async (error: Error) => {
        throw new Error(`${error.message}: ${JSON.stringify(await totals())}`);
      });
      expect((await totals()).stored).toBeGreaterThanOrEqual(2_400);
    } finally {
      await connection.close();
    }

    // Both API replicas report the same shared figures.
    const snapshots = await Promise.all(
      apis.map(
        async (api) => (await (await fetch(`${api.url}/stats/snapshot`)).json()) as { workers: number },
      ),
    );
    expect(snapshots.map((snapshot) => snapshot.workers)).toEqual([2, 2]);

    // The deployment's keys (queues, ACK state, counters) live on more than one master.
    const client = new Cluster(
      cluster.nodes.split(',').map((node) => ({ host: '127.0.0.1', port: Number(node.split(':')[1]) })),
    );
    try {
      await waitFor(() => client.status === 'ready', 10_000, 'cluster client not ready');
      const perMaster = await Promise.all(
        client.nodes('master').map(async (node) => (await node.keys(`${env.QUEUE_PREFIX}:*`)).length),
      );
      expect(perMaster.filter((keys) => keys > 0).length).toBeGreaterThan(1);
    } finally {
      client.disconnect();
    }
  }, 240_000);

  it('recovers when a master is killed and its replica takes over during ingest: nothing lost', async () => {
    const runs = apis.map((api) => simulate(api.url, mongoUrl, 900, 120));
    await waitFor(
      async () =>
        ((await (await fetch(`${apis[1]?.url}/stats/snapshot`)).json()) as { acceptedPerSec: number })
          .acceptedPerSec > 0,
      60_000,
      'nothing accepted',
    );
    const [victim] = await cluster.masterPorts();
    await cluster.kill(victim as number);
    await cluster.waitHealthy(3, 30_000);
    expect(await cluster.masterPorts()).not.toContain(victim);
    const reports = await Promise.all(runs);
    for (const report of reports)
      expect(report).toMatchObject({ lost: 0, duplicates: 0, unpersisted: 0, outcome: 'ok', persisted: 900 });
  }, 240_000);
});
