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
    expect(recovered).toEqual({ session: expect.any(String), nextSeq: 1, persistedTill: 0, logs: [] });
    spool.append([1, 2, 3, 4, 5].map(log));
    await spool.durable();
    await spool.close(6, 2);
    expect(fs.readFileSync(file, 'utf8').split('\n').filter(Boolean)).toHaveLength(5);
    fs.appendFileSync(file, '{"seq":6,"log":{"lev');
    const again = readSpool(file, 'auth');
    // A reopened spool continues its session.
    expect(again.session).toBe(recovered.session);
    expect(again.nextSeq).toBe(6);
    expect(again.persistedTill).toBe(2);
    expect(again.logs).toEqual([3, 4, 5].map(log));
  });

  it('compacts to the live logs and keeps nextSeq when every line is persisted', async () => {
    const file = path.join(dir, 'pay.ndjson');
    const spool = new FileSpool(file, 'pay', 'session-1', 10);
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
    expect(readSpool(file, 'pay')).toEqual({ session: 'session-1', nextSeq: 41, persistedTill: 40, logs: [] });
  });

  it('compacts to the logs still held at close', async () => {
    const file = path.join(dir, 'close.ndjson');
    const { spool } = FileSpool.open(file, 'auth');
    spool.append([1, 2, 3, 4].map(log));
    await spool.close(5, 3, [log(4)]);
    expect(fs.readFileSync(file, 'utf8')).toBe('{"seq":4,"log":{"level":"info","message":"m4"}}\n');
    expect(readSpool(file, 'auth')).toMatchObject({ nextSeq: 5, persistedTill: 3, logs: [log(4)] });
  });

  it('refuses a spool that belongs to another stream', async () => {
    const file = path.join(dir, 'x.ndjson');
    await FileSpool.open(file, 'auth').spool.close(1, 0);
    expect(() => readSpool(file, 'payment')).toThrow(/belongs to stream "auth"/);
  });

  it('belongs to one producer at a time', async () => {
    const file = path.join(dir, 'owned.ndjson');
    const first = FileSpool.open(file, 'auth');
    expect(() => FileSpool.open(file, 'auth')).toThrow(/in use by another producer/);
    await first.spool.close(1, 0);
    const second = FileSpool.open(file, 'auth');
    expect(second.recovered.session).toBe(first.recovered.session);
    await second.spool.close(1, 0);
  });

  it('keeps numbering without a session in a spool written before sessions existed', () => {
    const file = path.join(dir, 'old.ndjson');
    fs.writeFileSync(stateFileOf(file), JSON.stringify({ version: 1, stream: 'auth', nextSeq: 8, persistedTill: 7 }));
    expect(readSpool(file, 'auth')).toEqual({ session: undefined, nextSeq: 8, persistedTill: 7, logs: [] });
  });
});
