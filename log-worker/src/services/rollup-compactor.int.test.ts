import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pino from 'pino';
import { openTestDatabase, uniqueName, type TestDatabase } from '@logstream/devstack';
import {
  hourOf,
  hourRollupId,
  rollupBucketFields,
  rollupId,
  rollupReader,
  searchPage,
  type Models,
} from '@logstream/storage';
import type { JobLog } from '@logstream/shared-types';
import { LogWriter } from '../repositories/log-writer';
import { RollupCompactor } from './rollup-compactor';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('RollupCompactor', () => {
  let db: TestDatabase;
  let models: Models;

  beforeAll(async () => {
    db = await openTestDatabase('compactor');
    ({ models } = db);
  });

  afterAll(async () => {
    await db.drop();
  });

  it('sums the current hour to the current minute, the last hour whole, and every older hour without documents', async () => {
    const now = new Date(Math.floor(Date.now() / HOUR) * HOUR + 30 * MINUTE + 5_000);
    const current = hourOf(now);
    const last = new Date(current.getTime() - HOUR);
    const bucket = (minute: Date, service: string, level: string, count: number) => ({
      _id: rollupId(minute, service, level),
      ...rollupBucketFields(minute, service, level),
      count,
      hw: {},
    });
    await models.Rollup.insertMany([
      bucket(new Date(last.getTime() + 5 * MINUTE), 'auth', 'info', 4),
      bucket(new Date(last.getTime() + 59 * MINUTE), 'auth', 'error', 2),
      bucket(new Date(current.getTime() + 10 * MINUTE), 'payment', 'info', 7),
      // The current minute is still filling: not compacted yet.
      bucket(new Date(current.getTime() + 30 * MINUTE), 'payment', 'info', 1),
      // Stored by a version without the compactor, 30 hours ago: its hour has no documents yet.
      bucket(new Date(current.getTime() - 30 * HOUR + 7 * MINUTE), 'auth', 'warn', 3),
    ]);
    const compactor = new RollupCompactor(
      models,
      { intervalMs: 1_000, revisitHours: 168, settleMs: 600_000 },
      pino({ level: 'silent' }),
    );
    await compactor.pass(now);

    const totals = async (hour: Date) =>
      models.RollupHour.findById(hourRollupId(hour, 'totals')).lean<{
        total: number;
        upTo: Date;
        counts: Record<string, number>;
      }>();
    const lastTotals = await totals(last);
    expect(lastTotals).toMatchObject({ total: 6, counts: { 'auth|info': 4, 'auth|error': 2 } });
    expect(new Date(lastTotals!.upTo)).toEqual(current);
    const currentTotals = await totals(current);
    expect(currentTotals).toMatchObject({ total: 7, counts: { 'payment|info': 7 } });
    expect(new Date(currentTotals!.upTo)).toEqual(new Date(current.getTime() + 30 * MINUTE));
    // Every hour from the oldest rollup on has documents now, empty ones too: readers count a whole hour without
    // documents as empty, so none may be missing.
    expect(await totals(new Date(current.getTime() - 30 * HOUR))).toMatchObject({
      total: 3,
      counts: { 'auth|warn': 3 },
    });
    for (let h = 2; h < 30; h++)
      expect(await totals(new Date(current.getTime() - h * HOUR))).toMatchObject({ total: 0 });
    expect(await totals(new Date(current.getTime() - 31 * HOUR))).toBeNull();

    // Compacting again gives the same documents (exact sums, not increments).
    await compactor.pass(now);
    expect(await totals(last)).toMatchObject({ total: 6 });
  });

  it('finds a log stored after its minute was compacted at once, and compacts its hour again at the next pass', async () => {
    const writer = new LogWriter(models);
    const service = uniqueName('late').toLowerCase().replace(/_/g, '-');
    const earlier = new Date(Date.now() - 3 * MINUTE);
    const log = (seq: number, word: string, level: JobLog['level']): JobLog => ({
      id: `${service}@${seq}`,
      service,
      seq,
      level,
      message: `disk ${word} on volume ${seq}`,
      ts: earlier.toISOString(),
    });
    const pending = (entry: JobLog) => ({ log: entry, batchId: 'b', receivedAt: new Date() });
    await writer.write([pending(log(1, 'pressure', 'warn'))], 'w-late', 1);
    const compactor = new RollupCompactor(
      models,
      { intervalMs: 1_000, revisitHours: 2, settleMs: 600_000 },
      pino({ level: 'silent' }),
    );
    await compactor.pass(new Date());
    const hour = hourOf(earlier);
    const minutesDoc = () =>
      models.RollupHour.findById(hourRollupId(hour, 'minutes')).lean<{ upTo: Date; stale?: boolean }>();
    expect(new Date((await minutesDoc())!.upTo).getTime()).toBeGreaterThan(earlier.getTime());

    // A log of that compacted minute arrives late (a replay, a backlog, a producer's own timestamp), of a level the
    // compacted counts hold none of: a search for that level must not skip the minute.
    await writer.write([pending(log(2, 'overflow', 'error'))], 'w-late', 2);
    const marked = await minutesDoc();
    expect(marked?.stale).toBe(true);
    expect(new Date(marked!.upTo).getTime()).toBeLessThanOrEqual(earlier.getTime());
    const search = (q: string, levels: string[] = []) =>
      searchPage(models, rollupReader(models), {
        services: [service],
        levels,
        q,
        requestId: '',
        traceId: '',
        from: new Date(earlier.getTime() - HOUR),
        to: new Date(),
        limit: 10,
        cursor: null,
      });
    expect((await search('overflow', ['error'])).rows.map((row) => row._id)).toEqual([`${service}@2`]);
    expect((await search('', ['error'])).rows).toHaveLength(1);
    expect((await search('')).rows).toHaveLength(2);

    // The next pass takes the late log into the hour's counts and clears the mark.
    await compactor.pass(new Date());
    const compacted = await models.RollupHour.findById(hourRollupId(hour, 'totals')).lean<{
      stale?: boolean;
      counts: Record<string, number>;
    }>();
    expect(compacted?.stale).toBe(false);
    expect(compacted?.counts).toMatchObject({ [`${service}|warn`]: 1, [`${service}|error`]: 1 });
    expect((await search('overflow', ['error'])).rows).toHaveLength(1);
  });
});
