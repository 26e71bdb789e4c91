import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';

/** A port the OS reports free right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Whether something accepts TCP connections on host:port within `timeoutMs`. */
export function canConnect(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Polls `condition` until it holds, or throws `message` after `timeoutMs`. */
export async function waitFor(
  condition: () => Promise<boolean> | boolean,
  timeoutMs: number,
  message: string,
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(message);
}

/** Whether an executable is on PATH. */
export function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** Stops a child: SIGTERM, then SIGKILL after `graceMs`. */
export function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Runs a long build step with its own output shown, plus a line every 15 s saying it is still going (some steps,
 * like `next build` or `go build`, stay quiet for a minute). Rejects when the command fails.
 */
export function runWithProgress(
  command: string,
  args: string[],
  options: { cwd: string; label: string; say: (line: string) => void; env?: NodeJS.ProcessEnv },
): Promise<void> {
  const started = Date.now();
  const child = spawn(command, args, { cwd: options.cwd, stdio: 'inherit', env: options.env ?? process.env });
  const ticker = setInterval(
    () => options.say(`${options.label}: still working (${Math.round((Date.now() - started) / 1000)} s)…`),
    15_000,
  );
  return new Promise((resolve, reject) => {
    child.once('error', (error) => {
      clearInterval(ticker);
      reject(error);
    });
    child.once('exit', (code) => {
      clearInterval(ticker);
      if (code === 0) {
        options.say(`${options.label}: done in ${Math.round((Date.now() - started) / 1000)} s`);
        resolve();
      } else reject(new Error(`${options.label} failed (${command} exited ${code})`));
    });
  });
}

/**
 * Until the returned function is called, SIGINT (Ctrl-C) or SIGTERM first runs `cleanUp` — a command's stack: its app
 * processes run detached, in their own process groups, so a Ctrl-C would not reach them — then exits (130 / 143).
 */
export function cleanUpOnSignal(cleanUp: () => Promise<void>): () => void {
  const handler = (signal: NodeJS.Signals) => {
    process.stderr.write(`\n${signal}: stopping what this command started…\n`);
    void cleanUp()
      .catch(() => undefined)
      .finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
