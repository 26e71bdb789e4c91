import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { canConnect, onPath, stopChild, waitFor } from './process-utils';

const run = promisify(execFile);

/** Options of {@link startRedisCluster}. */
export interface RedisClusterOptions {
  /** Masters (hash slots are split evenly over them). Default 3. */
  masters?: number;
  /** Replicas per master, promoted when their master fails. Default 0. */
  replicasPerMaster?: number;
  /** `cluster-node-timeout`: how long a master may be unreachable before its replica takes over. Default 1000 ms. */
  nodeTimeoutMs?: number;
}

/** A Redis Cluster of local `redis-server` processes (nothing kept on disk). */
export interface LocalRedisCluster {
  /** Seed nodes in REDIS_CLUSTER_NODES form: `127.0.0.1:port,…` (every node). */
  nodes: string;
  /** Every node's port. */
  ports: number[];
  /** Ports of the nodes that are masters now (after a failover, the promoted replicas). */
  masterPorts: () => Promise<number[]>;
  /** Kills one node with SIGKILL, as a crash would. */
  kill: (port: number) => Promise<void>;
  /** Waits until every live node reports `cluster_state:ok` and the given number of masters. */
  waitHealthy: (masters: number, timeoutMs?: number) => Promise<void>;
  stop: () => Promise<void>;
}

/** Whether a port can be bound on 127.0.0.1 now. */
function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A free port whose cluster bus port (port + 10000) is free too. */
async function freeClusterPort(taken: Set<number>): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    if (taken.has(port) || taken.has(port + 10_000)) continue;
    if ((await bindable(port)) && (await bindable(port + 10_000))) return port;
  }
  throw new Error('no free port pair (port, port + 10000) for a Redis Cluster node');
}

async function cli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], {
    timeout: 10_000,
  });
  return stdout;
}

/**
 * Starts a Redis Cluster from `redis-server --cluster-enabled yes` processes on free ports and joins them with
 * `redis-cli --cluster create`, for tests and benchmarks of REDIS_CLUSTER_NODES (no Docker needed). Requires Redis 7
 * (`redis-server` and `redis-cli` on PATH).
 */
export async function startRedisCluster(options: RedisClusterOptions = {}): Promise<LocalRedisCluster> {
  const masters = options.masters ?? 3;
  const replicas = options.replicasPerMaster ?? 0;
  if (!onPath('redis-server') || !onPath('redis-cli'))
    throw new Error('a Redis Cluster needs redis-server and redis-cli on PATH (Redis 7)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logstream-redis-cluster-'));
  const taken = new Set<number>();
  const ports: number[] = [];
  for (let index = 0; index < masters * (1 + replicas); index += 1) {
    const port = await freeClusterPort(taken);
    taken.add(port).add(port + 10_000);
    ports.push(port);
  }
  const children = new Map<number, ChildProcess>();
  for (const port of ports) {
    const nodeDir = path.join(dir, String(port));
    fs.mkdirSync(nodeDir);
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--cluster-enabled',
        'yes',
        // A node that never met another does not know its address and would announce an empty one.
        '--cluster-announce-ip',
        '127.0.0.1',
        '--cluster-config-file',
        path.join(nodeDir, 'nodes.conf'),
        '--cluster-node-timeout',
        String(options.nodeTimeoutMs ?? 1_000),
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        nodeDir,
      ],
      { stdio: 'ignore' },
    );
    children.set(port, child);
  }
  const stop = async () => {
    await Promise.all([...children.values()].map((child) => stopChild(child, 2_000)));
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports)
      await waitFor(
        () => canConnect('127.0.0.1', port),
        10_000,
        `redis-server did not start on port ${port}`,
      );
    if (masters >= 3) {
      await run(
        'redis-cli',
        [
          '--cluster',
          'create',
          ...ports.map((port) => `127.0.0.1:${port}`),
          '--cluster-replicas',
          String(replicas),
          '--cluster-yes',
        ],
        { timeout: 60_000 },
      );
    } else {
      // redis-cli refuses clusters of fewer than 3 masters; one or two (benchmarks) are joined by hand.
      if (replicas > 0) throw new Error('replicas need at least 3 masters');
      for (const [index, port] of ports.entries()) {
        const from = Math.floor((index * 16_384) / masters);
        const to = Math.floor(((index + 1) * 16_384) / masters) - 1;
        await cli(port, 'cluster', 'addslotsrange', String(from), String(to));
        if (index > 0) await cli(port, 'cluster', 'meet', '127.0.0.1', String(ports[0]));
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }

  const alive = () =>
    ports.filter((port) => children.get(port)?.exitCode === null && !children.get(port)?.signalCode);
  const masterPorts = async () => {
    const [seed] = alive();
    if (seed === undefined) return [];
    const lines = (await cli(seed, 'cluster', 'nodes')).trim().split('\n');
    return lines
      .map((line) => line.split(' '))
      .filter((fields) => (fields[2] ?? '').includes('master') && !(fields[2] ?? '').includes('fail'))
      .map((fields) => Number((fields[1] ?? '').split('@')[0]?.split(':')[1]))
      .filter((port) => alive().includes(port));
  };
  const cluster: LocalRedisCluster = {
    nodes: ports.map((port) => `127.0.0.1:${port}`).join(','),
    ports,
    masterPorts,
    kill: async (port) => {
      const child = children.get(port);
      if (!child || child.exitCode !== null || child.signalCode) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
    waitHealthy: (expectedMasters, timeoutMs = 30_000) =>
      waitFor(
        async () => {
          try {
            for (const port of alive())
              if (!(await cli(port, 'cluster', 'info')).includes('cluster_state:ok')) return false;
            return (await masterPorts()).length === expectedMasters;
          } catch {
            return false;
          }
        },
        timeoutMs,
        `the Redis Cluster did not become healthy with ${expectedMasters} masters`,
      ),
    stop,
  };
  await cluster.waitHealthy(masters);
  return cluster;
}
