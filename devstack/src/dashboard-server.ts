import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './paths';
import { waitForHttp } from './testing';

/** A running `next start` of the built dashboard. */
export interface DashboardServer {
  url: string;
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * Starts the production build of the dashboard (`next build` must have run in dashboard/) on `port` with `env`,
 * and waits until it answers. Fails with a clear message when there is no build.
 */
export async function startDashboard(port: number, env: Record<string, string>): Promise<DashboardServer> {
  const dir = path.join(repoRoot(), 'dashboard');
  if (!fs.existsSync(path.join(dir, '.next', 'BUILD_ID'))) {
    throw new Error('dashboard has no production build: run `npm run build -w @logstream/dashboard` first');
  }
  const nextBin = require.resolve('next/dist/bin/next', { paths: [dir] });
  const child = spawn(process.execPath, [nextBin, 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: dir,
    env: { ...process.env, NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const collect = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(-(child.pid as number), 'SIGTERM');
    const timer = setTimeout(() => process.kill(-(child.pid as number), 'SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitForHttp(`${url}/icon.svg`, 30_000);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${output}`);
  }
  return { url, output: () => output, stop };
}
