import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openTestDatabase, type TestDatabase } from '@logstream/devstack';
import type { Models } from '../models/index';
import { hourOf, minuteOf, rollupBucketFields, rollupId } from '../models/rollup';
import { compactHour, hourBuckets } from './hour-rollups';
import { searchPage } from './page-walk';
import { messageWords } from './message-words';
import { rollupReader } from './rollup-reader';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

async function store(models: Models, logs: { id: string; message: string; ts: Date }[]) {
  await models.Log.collection.insertMany(
    logs.map((log, index) => ({
      _id: log.id,
      service: 'edge',
      stream: 'edge',
      level: 'info',
      seq: index + 1,
      message: log.message,
      words: messageWords(log.message),
      ts: log.ts,
      minute: minuteOf(log.ts),
      hour: hourOf(log.ts),
      receivedAt: log.ts,
      storedAt: log.ts,
      batchId: 'b',
      flushRef: 'seed:1',
    })) as never[],
  );
  const rollups = new Map<string, Record<string, unknown> & { count: number }>();
  for (const log of logs) {
    const minute = minuteOf(log.ts);
    const id = rollupId(minute, 'edge', 'info');
    const bucket = rollups.get(id) ?? { _id: id, ...rollupBucketFields(minute, 'edge', 'info'), count: 0 };
    bucket.count += 1;
    rollups.set(id, bucket);
  }
  await models.Rollup.collection.insertMany([...rollups.values()] as never[]);
}

describe('text search near hour boundaries', () => {
  let db: TestDatabase;
  let models: Models;

  beforeAll(async () => {
    db = await openTestDatabase('boundary');
    ({ models } = db);
  });

  afterAll(async () => {
    await db.drop();
  });

  it('finds a log of the last minute of the previous hour seconds after the hour turned', async () => {
    const current = hourOf(new Date()).getTime();
    const previous = current - HOUR;
    const logs: { id: string; message: string; ts: Date }[] = [];
    for (let minute = 45; minute < 60; minute++)
      for (let i = 0; i < 40; i++)
        logs.push({
          id: `f${minute}-${i}`,
          message: `filler ${i}`,
          ts: new Date(previous + minute * MINUTE + i * 1000),
        });
    logs.push({
      id: 'needle',
      message: 'live e2e t_msg_abc123',
      ts: new Date(previous + 59 * MINUTE + 50_000),
    });
    for (let i = 0; i < 10; i++)
      logs.push({ id: `n${i}`, message: `fresh ${i}`, ts: new Date(current + 500 + i * 300) });
    await store(models, logs);
    const at = new Date(current + 2_000);
    await compactHour(models, previous, at);
    await compactHour(models, current, at);
    const page = await searchPage(models, rollupReader(models), {
      services: [],
      levels: [],
      q: 't_msg_abc123',
      requestId: '',
      traceId: '',
      from: new Date(current + 5_000 - 15 * MINUTE),
      to: new Date(current + 5_000),
      limit: 50,
      cursor: null,
    });
    expect(page.rows.map((row) => row._id)).toEqual(['needle']);
  });

  it('counts an hour that ended before the compactor passed it, and takes one long past without documents as empty', async () => {
    const hour = hourOf(new Date()).getTime() - 5 * HOUR;
    await store(
      models,
      [10, 20, 59].map((minute) => ({
        id: `late-${minute}`,
        message: 'unsummed',
        ts: new Date(hour + minute * MINUTE),
      })),
    );
    const count = async (now: Date) =>
      (await hourBuckets(models, rollupReader(models), new Date(hour), new Date(hour + HOUR), now)).reduce(
        (sum, bucket) => sum + bucket.count,
        0,
      );
    // Minutes after the hour ended, no compactor pass yet: its minutes are read.
    expect(await count(new Date(hour + HOUR + 5 * MINUTE))).toBe(3);
    // Hours later the compactor has written documents for every hour it passed: one without any holds no logs.
    expect(await count(new Date(hour + 4 * HOUR))).toBe(0);
  });

  it('lists each log once when the whole range lies inside one hour and the logs are in its last minute', async () => {
    // The browser test's case: a 15-minute search seconds after a POST, both inside the same hour.
    const hour = hourOf(new Date()).getTime() - 2 * HOUR;
    const searchAt = hour + 40 * MINUTE + 30_000;
    const logs = [
      { id: 'same-minute-1', message: 'once t_msg_def456 (filtered out)', ts: new Date(searchAt - 2_000) },
      { id: 'same-minute-2', message: 'once t_msg_def456', ts: new Date(searchAt - 1_000) },
      { id: 'earlier', message: 'older t_msg_def456', ts: new Date(searchAt - 10 * MINUTE) },
    ];
    await store(models, logs);
    const page = await searchPage(models, rollupReader(models), {
      services: [],
      levels: [],
      q: 't_msg_def456',
      requestId: '',
      traceId: '',
      from: new Date(searchAt - 15 * MINUTE),
      to: new Date(searchAt),
      limit: 50,
      cursor: null,
    });
    expect(page.rows.map((row) => row._id)).toEqual(['same-minute-2', 'same-minute-1', 'earlier']);
  });
});
