import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Connection } from 'mongoose';
import pino from 'pino';
import { mongoUrlWithDb, testMongoUrl, uniqueName } from '@logstream/devstack';
import {
  connectMongo,
  createModels,
  ensureIndexes,
  hourOf,
  hourRollupId,
  rollupBucketFields,
  rollupId,
  type Models,
} from '@logstream/storage';
import { RollupCompactor } from './rollup-compactor';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('RollupCompactor', () => {
  let connection: Connection;
  let models: Models;

  beforeAll(async () => {
    connection = await connectMongo(mongoUrlWithDb(testMongoUrl(), uniqueName('compactor')));
    models = createModels(connection);
    await ensureIndexes(models);
  });

  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  it('sums the current hour to the current minute, the last hour whole, and a day of older hours, empty ones too', async () => {
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
    // A day of older hours, all empty here, now has documents: readers need no per-hour lookups for them.
    for (let h = 2; h <= 25; h++)
      expect(await totals(new Date(current.getTime() - h * HOUR))).toMatchObject({ total: 0 });

    // Compacting again gives the same documents (exact sums, not increments).
    await compactor.pass(now);
    expect(await totals(last)).toMatchObject({ total: 6 });
  });
});
