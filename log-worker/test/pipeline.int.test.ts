import type { Connection } from 'mongoose';
import { connectMongo, createModels, type Models } from '@logstream/storage';
import { startTestStack, waitFor, type AppProcess, type TestStack } from '@logstream/devstack';

/** The whole pipeline as users run it: the API and worker processes, the real Redis and MongoDB-wire server. */
describe('ingest → queue → worker → storage (processes)', () => {
  let stack: TestStack;
  let apiUrl: string;
  let connection: Connection;
  let models: Models;
  let worker: AppProcess | undefined;
  const startWorker = async () => (worker = await stack.startWorker());

  const post = (body: unknown, contentType = 'application/json') =>
    fetch(`${apiUrl}/ingest`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  beforeAll(async () => {
    stack = await startTestStack('pipeline');
    apiUrl = stack.apiUrl;
    await stack.startApi();
    connection = await connectMongo(stack.env.MONGO_URL as string);
    models = createModels(connection);
  });

  afterAll(async () => {
    await stack?.stop();
    await connection?.dropDatabase();
    await connection?.close();
  });

  it('refuses malformed requests with a JSON error that names the problem, and enqueues nothing from them', async () => {
    const cases: [unknown, string, number, string][] = [
      ['{"service":', 'application/json', 400, 'invalid_json'],
      ['service=auth', 'application/x-www-form-urlencoded', 415, 'unsupported_media_type'],
      [[], 'application/json', 400, 'validation_failed'],
      [[{ service: 'bad', level: 'info' }], 'application/json', 400, 'validation_failed'],
      [
        { service: 'auth', logs: new Array(1001).fill({ level: 'info', message: 'm' }) },
        'application/json',
        413,
        'too_many_items',
      ],
      [JSON.stringify({ blob: 'x'.repeat(6 * 1024 * 1024) }), 'application/json', 413, 'payload_too_large'],
    ];
    for (const [body, type, status, code] of cases) {
      const res = await post(body, type);
      expect({
        status: res.status,
        code: ((await res.json()) as { error: { code: string } }).error.code,
      }).toEqual({
        status,
        code,
      });
    }
    const mixed = await post([
      { service: 'edge', level: 'info', message: 'kept', seq: 1 },
      { service: 'edge', level: 'loud', message: 'dropped', seq: 2 },
    ]);
    expect(mixed.status).toBe(202);
    const receipt = (await mixed.json()) as {
      accepted: number;
      rejected: { index: number; errors: { field: string }[] }[];
    };
    expect(receipt.accepted).toBe(1);
    expect(receipt.rejected).toEqual([
      { index: 1, errors: [{ field: 'level', message: expect.any(String) }] },
    ]);
    await startWorker();
    await waitFor(
      async () => (await models.Log.countDocuments({ service: 'edge' })) === 1,
      20_000,
      'edge log not stored',
    );
    expect(await models.Log.exists({ _id: 'edge@2' })).toBeNull();
  });

  it('stores exactly N after the worker is SIGKILLed mid-stream and restarted; rollups equal raw counts', async () => {
    const total = 6000;
    const perRequest = 500;
    const levels = ['debug', 'info', 'info', 'warn', 'error'];
    const storedCount = () => models.Log.countDocuments({ service: 'crashy' });
    const sending = (async () => {
      for (let from = 1; from <= total; from += perRequest) {
        const logs = Array.from({ length: perRequest }, (_, i) => ({
          level: levels[(from + i) % levels.length],
          message: `event ${from + i}`,
          seq: from + i,
        }));
        const res = await post({ service: 'crashy', logs });
        expect(res.status).toBe(202);
      }
    })();

    // Kill the worker while logs are still arriving and being written.
    await waitFor(async () => (await storedCount()) >= 500, 60_000, 'worker stored nothing');
    await worker?.kill('SIGKILL');
    await sending;
    const atKill = await storedCount();
    expect(atKill).toBeLessThan(total);

    await startWorker();
    await waitFor(async () => (await storedCount()) >= total, 90_000, `not all ${total} stored`);
    expect(await storedCount()).toBe(total);
    const seqs = await models.Log.distinct('seq', { service: 'crashy' });
    expect(seqs).toHaveLength(total);

    // The last flush's increments follow its insert: wait (bounded) for the totals to meet, then compare per level.
    const rolledTotal = async () =>
      (
        await models.Rollup.aggregate<{ n: number }>([
          { $match: { service: 'crashy' } },
          { $group: { _id: null, n: { $sum: '$count' } } },
        ])
      )[0]?.n ?? 0;
    await waitFor(
      async () => (await rolledTotal()) >= total,
      10_000,
      'rollups did not reach the stored count',
    );
    const raw = await models.Log.aggregate<{ _id: string; n: number }>([
      { $match: { service: 'crashy' } },
      { $group: { _id: '$level', n: { $sum: 1 } } },
    ]);
    const rolled = await models.Rollup.aggregate<{ _id: string; n: number }>([
      { $match: { service: 'crashy' } },
      { $group: { _id: '$level', n: { $sum: '$count' } } },
    ]);
    const byLevel = (rows: { _id: string; n: number }[]) =>
      Object.fromEntries(rows.map((r) => [r._id, r.n]).sort());
    expect(byLevel(rolled)).toEqual(byLevel(raw));
  });
});
