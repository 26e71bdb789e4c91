import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { cacheDir, repoRoot } from './paths';
import { canConnect, freePort, onPath, stopChild, waitFor } from './process-utils';

/** Where the FerretDB wrapper (tools/ferretdb) is built. */
export function ferretdbBinary(): string {
  return path.join(repoRoot(), '.cache', 'bin', 'ferretdb');
}

/**
 * Builds the FerretDB wrapper once with the Go toolchain (a few minutes the first time, cached after).
 * Throws with an install hint when Go is missing.
 */
export function buildFerretdb(log: (line: string) => void = () => {}): string {
  const binary = ferretdbBinary();
  if (fs.existsSync(binary)) return binary;
  if (!onPath('go')) {
    throw new Error(
      'No MongoDB available: MONGO_URL is not set, mongodb-memory-server could not provide a mongod, and Go is not ' +
        'installed to build the FerretDB fallback. Do one of: set MONGO_URL to a MongoDB 6+ server; run ' +
        '`docker compose up -d mongo` and set MONGO_URL=mongodb://127.0.0.1:27017; or install Go 1.24+ (https://go.dev/dl).',
    );
  }
  log(
    'building FerretDB from the Go module proxy (first run only, a few minutes; each package is listed as it compiles)…',
  );
  cacheDir('bin');
  const result = spawnSync('go', ['build', '-v', '-o', binary, '.'], {
    cwd: path.join(repoRoot(), 'tools', 'ferretdb'),
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, GOFLAGS: process.env.GOFLAGS ?? '-mod=mod' },
  });
  if (result.status !== 0) throw new Error(`building FerretDB failed (go build exited ${result.status})`);
  return binary;
}

/** Options for {@link startFerretdb}. */
export interface FerretdbOptions {
  /** SQLite data folder; default: a fresh folder under .cache/ferretdb-data. */
  dataDir?: string;
  /** `sqlite` (default, embedded) or `postgresql`. */
  backend?: 'sqlite' | 'postgresql';
  /** PostgreSQL URL for the postgresql backend. */
  postgresqlUrl?: string;
  port?: number;
  log?: (line: string) => void;
}

/** Starts FerretDB on a free port and resolves with its URL once it accepts connections. */
export async function startFerretdb(options: FerretdbOptions = {}) {
  const binary = buildFerretdb(options.log);
  const port = options.port ?? (await freePort());
  const backend = options.backend ?? 'sqlite';
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(cacheDir('ferretdb-data'), 'run-'));
  const args = ['-listen', `127.0.0.1:${port}`, '-handler', backend, '-sqlite-dir', dataDir];
  if (backend === 'postgresql')
    args.push('-postgresql-url', options.postgresqlUrl ?? 'postgres://127.0.0.1:5432/ferretdb');
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`ferretdb exited with ${child.exitCode}: ${stderr}`);
      return canConnect('127.0.0.1', port);
    },
    20_000,
    `ferretdb did not listen on ${port}: ${stderr}`,
  );
  const stop = async () => {
    await stopChild(child);
    // A folder made for this run only goes with it; a folder the caller named (npm start's demo data) stays.
    if (!options.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  };
  return { url: `mongodb://127.0.0.1:${port}/`, dataDir, pid: child.pid as number, stop };
}
