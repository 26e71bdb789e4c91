import type { Connection } from 'mongoose';
import { connectMongo, createModels } from '@logstream/storage';
import { mongoUrlWithDb, startFerretdb, startTestStack, uniqueName, waitFor } from '@logstream/devstack';

/** The worker while its database does not answer: bounded shutdown, nothing lost once it answers again. */
describe('worker under a frozen database (processes)', () => {
  it('exits within SHUTDOWN_TIMEOUT_MS on SIGTERM, and the logs it held are stored by the next worker', async () => {
    // A private MongoDB-wire server, so that freezing it (SIGSTOP) touches no other test.
    const ferret = await startFerretdb();
    let connection: Connection | undefined;
    const stack = await startTestStack('shutdown', {
      MONGO_URL: mongoUrlWithDb(ferret.url, uniqueName('shutdown')),
      SHUTDOWN_TIMEOUT_MS: '2000',
    });
    try {
      await stack.startApi();
      const worker = await stack.startWorker();
      connection = await connectMongo(stack.env.MONGO_URL as string);
      const models = createModels(connection);
      const post = (from: number) =>
        fetch(`${stack.apiUrl}/ingest`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            service: 'frozen',
            session: 'one',
            logs: Array.from({ length: 100 }, (_, i) => ({ seq: from + i, level: 'info', message: `f${from + i}` })),
          }),
        });
      expect((await post(1)).status).toBe(202);
      await waitFor(async () => (await models.Log.countDocuments({ service: 'frozen' })) === 100, 30_000, 'no store');

      process.kill(ferret.pid, 'SIGSTOP');
      try {
        for (const from of [101, 201, 301]) expect((await post(from)).status).toBe(202);
        const started = Date.now();
        await worker.kill('SIGTERM');
        // Bounded: the timeout and a margin for a loaded machine, never the length of the outage.
        expect(Date.now() - started).toBeLessThan(10_000);
      } finally {
        process.kill(ferret.pid, 'SIGCONT');
      }
      await stack.startWorker();
      await waitFor(
        async () => (await models.Log.countDocuments({ service: 'frozen' })) === 400,
        60_000,
        'the held logs were never stored',
      );
      expect(await models.Log.distinct('seq', { service: 'frozen' })).toHaveLength(400);
    } finally {
      await stack.stop();
      await connection?.close();
      await ferret.stop();
    }
  }, 180_000);

  it('a call to a frozen database fails after the operation timeout instead of hanging, and the pool recovers', async () => {
    const ferret = await startFerretdb();
    const connection = await connectMongo(ferret.url, { dbName: uniqueName('optimeout'), operationTimeoutMS: 1_000 });
    try {
      const models = createModels(connection);
      await models.Log.collection.insertOne({ _id: 'before', service: 'frozen' } as never);
      process.kill(ferret.pid, 'SIGSTOP');
      let failure: unknown;
      const started = Date.now();
      try {
        await models.Log.collection.insertOne({ _id: 'during', service: 'frozen' } as never);
      } catch (error) {
        failure = error;
      } finally {
        process.kill(ferret.pid, 'SIGCONT');
      }
      expect(String(failure)).toMatch(/timed out|timeout/i);
      expect(Date.now() - started).toBeLessThan(15_000);
      await waitFor(
        async () => {
          try {
            await models.Log.collection.insertOne({ _id: 'after', service: 'frozen' } as never);
            return true;
          } catch {
            return false;
          }
        },
        20_000,
        'the connection did not recover after the database came back',
      );
      expect(await models.Log.collection.countDocuments({ _id: { $in: ['before', 'after'] } } as never)).toBe(2);
    } finally {
      await connection.close();
      await ferret.stop();
    }
  }, 60_000);
});
