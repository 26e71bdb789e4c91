import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Connection } from 'mongoose';
import { mongoUrlWithDb, testMongoUrl, uniqueName } from '@logstream/devstack';
import { connectMongo, createModels, type Models } from '@logstream/storage';
import { isMaxTimeExpired, maxTimePlugin, QUERY_TIMEOUT_DIGEST, QueryTimeoutError } from './query-timeout';

/** Every query of the dashboard's connection carries a server-side time limit (seen in the commands sent). */
describe('maxTimePlugin', () => {
  let connection: Connection;
  let models: Models;
  const commands: { name: string; maxTimeMS: unknown }[] = [];

  beforeAll(async () => {
    connection = await connectMongo(mongoUrlWithDb(testMongoUrl(), uniqueName('maxtime')), {
      monitorCommands: true,
    });
    connection.getClient().on('commandStarted', (event) => {
      commands.push({
        name: event.commandName,
        maxTimeMS: (event.command as { maxTimeMS?: unknown }).maxTimeMS,
      });
    });
    connection.plugin(maxTimePlugin(1234));
    models = createModels(connection);
  });
  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  it('sets maxTimeMS on finds, counts and aggregations unless a call set its own', async () => {
    const { Log, Rollup, Replay } = models;
    await Log.find({ service: 'x' }).limit(5).lean();
    await Log.findById('nope').lean();
    await Rollup.aggregate([
      { $match: { service: 'x' } },
      { $group: { _id: null, count: { $sum: '$count' } } },
    ]);
    await Replay.countDocuments({ status: 'pending' });
    await Log.find({}).maxTimeMS(99_000).limit(1).lean();
    await Log.exists({ service: 'x' });
    const seen = commands.filter((c) => ['find', 'aggregate', 'count'].includes(c.name));
    expect(seen.map((c) => c.name)).toEqual(['find', 'find', 'aggregate', 'aggregate', 'find', 'find']);
    expect(seen.map((c) => c.maxTimeMS)).toEqual([1234, 1234, 1234, 1234, 99_000, 1234]);
  });

  it('recognises the server’s time-limit error and gives it a digest the error page knows', () => {
    expect(isMaxTimeExpired({ code: 50, codeName: 'MaxTimeMSExpired' })).toBe(true);
    expect(isMaxTimeExpired({ code: 11000 })).toBe(false);
    expect(isMaxTimeExpired(null)).toBe(false);
    const error = new QueryTimeoutError(1234);
    expect(error.digest).toBe(QUERY_TIMEOUT_DIGEST);
    expect(error.message).toContain('1234 ms');
  });
});
