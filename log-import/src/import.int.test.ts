import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import type { Connection } from 'mongoose';
import { repoRoot, startTestStack, waitFor, type TestStack } from '@logstream/devstack';
import { connectMongo, createModels, type Models } from '@logstream/storage';

const run = promisify(execFile);

/** The import CLI as users run it (built, as a process) against a real API and worker. */
describe('npm run import (process)', () => {
  let stack: TestStack;
  let connection: Connection;
  let models: Models;
  let dir: string;

  const importCli = (args: string[]) =>
    run(
      process.execPath,
      [
        path.join(repoRoot(), 'log-import', 'dist', 'main.js'),
        ...args,
        '--url',
        stack.apiUrl,
        '--spool-dir',
        path.join(dir, 'spool'),
        '--json',
      ],
      {
        env: { ...process.env, API_KEY: 'unused-when-auth-is-off' },
        timeout: 280_000,
      },
    );

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logstream-import-'));
    stack = await startTestStack('import');
    await stack.startApi();
    await stack.startWorker();
    connection = await connectMongo(stack.env.MONGO_URL as string);
    models = createModels(connection);
  });

  afterAll(async () => {
    await stack?.stop();
    await connection?.dropDatabase();
    await connection?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('stores every line of a 10,000-line text file exactly once, with levels and timestamps read from the lines', async () => {
    const levels = ['INFO', 'WARN', 'ERROR', 'DEBUG'];
    const text = Array.from({ length: 10_000 }, (_, i) => {
      const n = i + 1;
      const ts = new Date(Date.UTC(2026, 10, 22, 8, 0, 0) + n * 1000).toISOString();
      return n % 1000 === 0 ? `plain line ${n}` : `${ts} ${levels[n % 4]} request ${n} handled`;
    }).join('\n');
    const file = path.join(dir, 'web.log');
    fs.writeFileSync(file, `${text}\n`);

    const { stdout } = await importCli([file, '--service', 'web-text']);
    const summary = JSON.parse(stdout.trim()) as Record<string, unknown>;
    expect(summary).toMatchObject({
      format: 'text',
      read: 10_000,
      sent: 10_000,
      stored: 10_000,
      rejected: 0,
      pending: 0,
    });

    const messages = await models.Log.distinct('message', { service: 'web-text' });
    expect(await models.Log.countDocuments({ service: 'web-text' })).toBe(10_000);
    expect(messages).toHaveLength(10_000);
    const sample = await models.Log.findOne({ service: 'web-text', message: 'request 7 handled' }).lean();
    expect(sample).toMatchObject({ level: 'debug', ts: new Date(Date.UTC(2026, 10, 22, 8, 0, 7)) });
    expect(await models.Log.findOne({ message: 'plain line 2000' }).lean()).toMatchObject({ level: 'info' });

    // The same command again: the import is known complete; nothing is stored twice.
    const again = JSON.parse((await importCli([file, '--service', 'web-text'])).stdout.trim()) as Record<
      string,
      unknown
    >;
    expect(again).toMatchObject({ alreadyComplete: true });
    expect(await models.Log.countDocuments({ service: 'web-text' })).toBe(10_000);
  }, 600_000);

  it('reads an NDJSON.gz file transparently and reports the lines it could not store', async () => {
    const lines: string[] = [];
    for (let n = 1; n <= 3000; n++) {
      if (n === 1500) lines.push('{"broken json');
      else if (n === 2500)
        lines.push(JSON.stringify({ service: 'shop', level: 'loud', message: 'bad level' }));
      else if (n % 2 === 0) lines.push('');
      else
        lines.push(
          JSON.stringify({
            service: n % 3 === 0 ? 'shop' : 'cart',
            level: 'info',
            message: `ndjson ${n}`,
            traceId: 'x',
            host: 'h1',
          }),
        );
    }
    const file = path.join(dir, 'mixed.ndjson.gz');
    fs.writeFileSync(file, gzipSync(lines.join('\n')));
    const good = lines.filter((l) => l.includes('"ndjson ')).length;

    const { stdout } = await importCli([file]);
    const summary = JSON.parse(stdout.trim()) as { rejections: { line: number }[] } & Record<string, unknown>;
    expect(summary).toMatchObject({ format: 'ndjson', gzip: true, stored: good, rejected: 2, pending: 0 });
    expect(summary.rejections.map((r) => r.line).sort()).toEqual([1500, 2500]);
    const stored = await models.Log.countDocuments({ message: /^ndjson / });
    expect(stored).toBe(good);
    expect((await models.Log.distinct('message', { message: /^ndjson / })).length).toBe(good);
    const one = await models.Log.findOne({ message: 'ndjson 3' }).lean();
    expect(one).toMatchObject({ service: 'shop', meta: { traceId: 'x', host: 'h1' } });
  }, 300_000);

  it('resumes an interrupted import (Ctrl-C) and still stores every line once', async () => {
    const file = path.join(dir, 'resume.log');
    fs.writeFileSync(file, Array.from({ length: 6000 }, (_, i) => `ERROR failure ${i + 1}`).join('\n'));
    const args = [path.join(repoRoot(), 'log-import', 'dist', 'main.js'), file, '--service', 'resumed'];
    const spoolArgs = ['--url', stack.apiUrl, '--spool-dir', path.join(dir, 'spool'), '--json'];
    const child = spawn(process.execPath, [...args, ...spoolArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    await waitFor(
      async () => (await models.Log.countDocuments({ service: 'resumed' })) > 0,
      120_000,
      'nothing stored',
    );
    child.kill('SIGINT');
    expect(await exited).toBe(1);
    const first = JSON.parse(out.trim()) as { read: number };
    expect(first.read).toBeGreaterThan(0);

    const { stdout } = await importCli([file, '--service', 'resumed']);
    const second = JSON.parse(stdout.trim()) as { read: number; pending: number; resumedAfter: number };
    expect(second.pending).toBe(0);
    expect(second.resumedAfter + second.read).toBe(6000);
    expect(await models.Log.countDocuments({ service: 'resumed' })).toBe(6000);
    expect((await models.Log.distinct('message', { service: 'resumed' })).length).toBe(6000);
  }, 600_000);
});
