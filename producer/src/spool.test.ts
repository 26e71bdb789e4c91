import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileSpool, readSpool, stateFileOf } from './spool';

describe('FileSpool', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spool-test-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const log = (seq: number) => ({ seq, json: JSON.stringify({ level: 'info', message: `m${seq}` }) });

  it('round-trips logs, resumes the seq and skips persisted and torn lines', async () => {
    const file = path.join(dir, 'nested', 'auth.ndjson');
    const { spool, recovered } = FileSpool.open(file, 'auth');
    expect(recovered).toEqual({ nextSeq: 1, persistedTill: 0, logs: [] });
    spool.append([1, 2, 3, 4, 5].map(log));
    await spool.durable();
    await spool.close(6, 2);
    expect(fs.readFileSync(file, 'utf8').split('\n').filter(Boolean)).toHaveLength(5);
    fs.appendFileSync(file, '{"seq":6,"log":{"lev');
    const again = readSpool(file, 'auth');
    expect(again.nextSeq).toBe(6);
    expect(again.persistedTill).toBe(2);
    expect(again.logs).toEqual([3, 4, 5].map(log));
  });

  it('compacts to the live logs and keeps nextSeq when every line is persisted', async () => {
    const file = path.join(dir, 'pay.ndjson');
    const spool = new FileSpool(file, 'pay', 10);
    spool.append(Array.from({ length: 40 }, (_, i) => log(i + 1)));
    await spool.durable();
    spool.persisted(
      40,
      0,
      () => [],
      () => 41,
    );
    await spool.durable();
    expect(fs.readFileSync(file, 'utf8')).toBe('');
    expect(JSON.parse(fs.readFileSync(stateFileOf(file), 'utf8'))).toMatchObject({
      nextSeq: 41,
      persistedTill: 40,
    });
    expect(readSpool(file, 'pay')).toEqual({ nextSeq: 41, persistedTill: 40, logs: [] });
  });

  it('compacts to the logs still held at close', async () => {
    const file = path.join(dir, 'close.ndjson');
    const { spool } = FileSpool.open(file, 'auth');
    spool.append([1, 2, 3, 4].map(log));
    await spool.close(5, 3, [log(4)]);
    expect(fs.readFileSync(file, 'utf8')).toBe('{"seq":4,"log":{"level":"info","message":"m4"}}\n');
    expect(readSpool(file, 'auth')).toEqual({ nextSeq: 5, persistedTill: 3, logs: [log(4)] });
  });

  it('refuses a spool that belongs to another stream', async () => {
    const file = path.join(dir, 'x.ndjson');
    await FileSpool.open(file, 'auth').spool.close(1, 0);
    expect(() => readSpool(file, 'payment')).toThrow(/belongs to stream "auth"/);
  });
});
