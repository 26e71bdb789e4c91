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
});
