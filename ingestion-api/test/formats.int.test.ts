import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzipSync, deflateSync } from 'node:zlib';
import type { Connection } from 'mongoose';
import { connectMongo, createModels, type Models } from '@logstream/storage';
import { startTestStack, waitFor, type TestStack } from '@logstream/devstack';
import { LIMITS } from '@logstream/shared-types';
import { decodeLogsResponse } from '../src/formats/otlp-protobuf';
import { decodeStatus } from '../src/formats/otlp-status';

const run = promisify(execFile);
const ADMIN_KEY = 'formats-admin-key-0123456789';

/** Ingest formats end to end: real API and worker processes, the real Redis and MongoDB-wire server. */
describe('ingest formats: NDJSON, encodings, OTLP/HTTP (processes)', () => {
  let stack: TestStack;
  let connection: Connection;
  let models: Models;

  const post = (path: string, body: Buffer | string, headers: Record<string, string>) =>
    fetch(`${stack.apiUrl}${path}`, {
      method: 'POST',
      headers: { 'x-api-key': ADMIN_KEY, ...headers },
      body,
    });
  /** Our error code: from `{ error }`, or from the message of the protobuf `google.rpc.Status` OTLP's routes answer. */
  const errorCode = async (res: Response) => {
    if (res.headers.get('content-type')?.includes('application/x-protobuf')) {
      return decodeStatus(new Uint8Array(await res.arrayBuffer())).message.split(':')[0];
    }
    return ((await res.json()) as { error: { code: string } }).error.code;
  };
  /** A new API key of one service, made through the admin route. */
  const createServiceKey = async (service: string) => {
    const created = await post('/keys', JSON.stringify({ service }), { 'content-type': 'application/json' });
    return ((await created.json()) as { key: string }).key;
  };
  const stored = (filter: Record<string, unknown>) => models.Log.countDocuments(filter);
  const waitStored = (filter: Record<string, unknown>, n: number) =>
    waitFor(
      async () => (await stored(filter)) === n,
      30_000,
      `${JSON.stringify(filter)}: ${n} logs not stored`,
    );

  beforeAll(async () => {
    stack = await startTestStack('formats', { AUTH_REQUIRED: 'true', ADMIN_KEY });
    await stack.startApi();
    await stack.startWorker();
    connection = await connectMongo(stack.env.MONGO_URL as string);
    models = createModels(connection);
  });

  afterAll(async () => {
    await stack?.stop();
    await connection?.dropDatabase();
    await connection?.close();
  });

  it('takes NDJSON with good, bad and blank lines and reports the bad ones by line number', async () => {
    const body = [
      JSON.stringify({ service: 'nd', level: 'info', message: 'one' }),
      '',
      JSON.stringify({ service: 'nd', level: 'loud', message: 'bad level' }),
      '{"service":"nd",',
      JSON.stringify({ service: 'nd', level: 'warn', message: 'two', traceId: 'AB'.repeat(16) }),
      '',
    ].join('\n');
    const res = await post('/ingest', body, { 'content-type': 'application/x-ndjson' });
    expect(res.status).toBe(202);
    const receipt = (await res.json()) as {
      accepted: number;
      rejected: { line: number; errors: unknown[] }[];
    };
    expect(receipt.accepted).toBe(2);
    expect(receipt.rejected.map((r) => r.line)).toEqual([3, 4]);
    expect(JSON.stringify(receipt.rejected[1])).toMatch(/not valid JSON/);
    await waitStored({ service: 'nd' }, 2);
    expect(await stored({ service: 'nd', traceId: 'ab'.repeat(16) })).toBe(1);

    const allBad = await post('/ingest', 'nope\n\n{"x":1}\n', { 'content-type': 'application/x-ndjson' });
    expect(allBad.status).toBe(400);
    const error = (await allBad.json()) as { error: { details: { rejected: { line: number }[] } } };
    expect(error.error.details.rejected.map((r) => r.line)).toEqual([1, 3]);
  });

  it('inflates gzip and deflate bodies of JSON and NDJSON', async () => {
    const log = (message: string) => ({ service: 'zipped', level: 'info', message });
    const json = JSON.stringify([log('gzip json'), log('gzip json 2')]);
    const ndjson = [log('deflate ndjson'), log('deflate ndjson 2')].map((l) => JSON.stringify(l)).join('\n');
    const answers = await Promise.all([
      post('/ingest', gzipSync(json), { 'content-type': 'application/json', 'content-encoding': 'gzip' }),
      post('/ingest', deflateSync(json), {
        'content-type': 'application/json',
        'content-encoding': 'deflate',
      }),
      post('/ingest', gzipSync(ndjson), {
        'content-type': 'application/x-ndjson',
        'content-encoding': 'gzip',
      }),
      post('/ingest', deflateSync(ndjson), {
        'content-type': 'application/x-ndjson',
        'content-encoding': 'deflate',
      }),
    ]);
    expect(answers.map((r) => r.status)).toEqual([202, 202, 202, 202]);
    await waitStored({ service: 'zipped' }, 8);
  });

  it('answers a broken, mislabelled, non-UTF-8 or bombing body with a 4xx JSON error and stores nothing of it', async () => {
    const log = JSON.stringify({ service: 'refused', level: 'info', message: 'caf\u00e9' });
    const broken = gzipSync(log).subarray(0, 20);
    const notUtf8 = Buffer.concat([
      Buffer.from(log.slice(0, -3)),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}'),
    ]);
    // 64 MiB of spaces around one log: about 64 KiB compressed, far over the 5 MiB limit once inflated.
    const bomb = gzipSync(Buffer.concat([Buffer.alloc(64 * 1024 * 1024, 0x20), Buffer.from(log)]));
    expect(bomb.length).toBeLessThan(LIMIT_BYTES);
    const cases: [string, Buffer | string, Record<string, string>, number, string][] = [
      [
        '/ingest',
        broken,
        { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        400,
        'invalid_encoding',
      ],
      [
        '/ingest',
        log,
        { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        400,
        'invalid_encoding',
      ],
      [
        '/ingest',
        broken,
        { 'content-type': 'application/x-ndjson', 'content-encoding': 'deflate' },
        400,
        'invalid_encoding',
      ],
      ['/ingest', notUtf8, { 'content-type': 'application/json' }, 400, 'invalid_encoding'],
      ['/ingest', notUtf8, { 'content-type': 'application/x-ndjson' }, 400, 'invalid_encoding'],
      [
        '/ingest',
        gzipSync(notUtf8),
        { 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip' },
        400,
        'invalid_encoding',
      ],
      [
        '/ingest',
        bomb,
        { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        413,
        'payload_too_large',
      ],
      [
        '/ingest',
        bomb,
        { 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip' },
        413,
        'payload_too_large',
      ],
      [
        '/v1/logs',
        bomb,
        { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' },
        413,
        'payload_too_large',
      ],
      [
        '/v1/logs',
        broken,
        { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' },
        400,
        'invalid_encoding',
      ],
      [
        '/v1/logs',
        Buffer.from([0x0a, 0xff, 0xff, 0x01]),
        { 'content-type': 'application/x-protobuf' },
        400,
        'invalid_encoding',
      ],
      [
        '/ingest',
        log,
        { 'content-type': 'application/json', 'content-encoding': 'br2' },
        415,
        'unsupported_media_type',
      ],
    ];
    for (const [path, body, headers, status, code] of cases) {
      const res = await post(path, body, headers);
      expect({ path, headers, status: res.status, code: await errorCode(res) }).toEqual({
        path,
        headers,
        status,
        code,
      });
    }
    // A request sent after them is stored; by then any of theirs would have been too (one queue, in order).
    const marker = await post(
      '/ingest',
      JSON.stringify({ service: 'refused-after', level: 'info', message: 'm' }),
      {
        'content-type': 'application/json',
      },
    );
    expect(marker.status).toBe(202);
    await waitStored({ service: 'refused-after' }, 1);
    expect(await stored({ service: 'refused' })).toBe(0);
    expect(await models.Log.countDocuments({ message: /caf/ })).toBe(0);
  });

  /** Runs the SDK client process (fixtures/otel-sdk-client.cjs) and returns its export result. */
  async function exportThroughSdk(
    input: Record<string, unknown>,
  ): Promise<{ code: number; error: string | null }> {
    const { stdout } = await run(
      process.execPath,
      [path.join(__dirname, 'fixtures', 'otel-sdk-client.cjs'), JSON.stringify(input)],
      {
        timeout: 60_000,
      },
    );
    return JSON.parse(stdout.trim()) as { code: number; error: string | null };
  }

  it.each([
    ['JSON', { protocol: 'json', headers: { 'x-api-key': ADMIN_KEY }, tag: 'c0ffee01' }],
    [
      'protobuf with gzip',
      {
        protocol: 'protobuf',
        headers: { authorization: `Bearer ${ADMIN_KEY}` },
        gzip: true,
        tag: 'c0ffee02',
      },
    ],
  ])('stores what the OpenTelemetry SDK exports over OTLP/HTTP %s', async (_name, options) => {
    const result = await exportThroughSdk({
      ...options,
      url: `${stack.apiUrl}/v1/logs`,
      serviceName: 'Checkout API',
    });
    expect(result).toEqual({ code: 0, error: null });
    const { tag } = options;
    const service = 'checkout-api';
    await waitStored({ service, message: new RegExp(tag) }, 3);
    const logs = await models.Log.find({ service, message: new RegExp(tag) }).lean();
    const byLevel = Object.fromEntries(logs.map((l) => [l.level, l]));
    expect(Object.keys(byLevel).sort()).toEqual(['error', 'info', 'warn']);
    expect(byLevel.info).toMatchObject({
      message: `order placed ${tag}`,
      traceId: tag.padEnd(32, 'a'),
      spanId: '00f067aa0ba902b7',
    });
    const meta = byLevel.info?.meta as Record<string, unknown>;
    expect(meta['order\uff0eid']).toBe(42);
    expect(meta['http\uff0eroute']).toBe('/orders');
    expect(meta['deployment\uff0eenvironment']).toBe('test');
    expect(meta['otel\uff0escope\uff0ename']).toBe('checkout-module');
    expect(JSON.parse(byLevel.error?.message as string)).toEqual({ reason: 'card declined', tag });
    expect(byLevel.error?.traceId).toBeUndefined();
    expect(byLevel.warn?.ts.toISOString()).toBe('2026-01-02T03:04:05.678Z');
  });

  it('answers OTLP partial success with the rejected count, in the encoding of the request', async () => {
    const ns = (ms: number) => `${BigInt(ms) * 1_000_000n}`;
    const request = {
      resourceLogs: [
        {
          resource: { attributes: [] },
          scopeLogs: [
            {
              logRecords: [
                { timeUnixNano: ns(Date.now()), severityNumber: 9, body: { stringValue: 'kept partial' } },
                { timeUnixNano: ns(Date.now() + 3 * 86_400_000), body: { stringValue: 'from the future' } },
                { severityText: 'warning', body: { stringValue: '' } },
              ],
            },
          ],
        },
      ],
    };
    const res = await post('/v1/logs', JSON.stringify(request), { 'content-type': 'application/json' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      partialSuccess: { rejectedLogRecords: number; errorMessage: string };
    };
    expect(body.partialSuccess.rejectedLogRecords).toBe(2);
    expect(body.partialSuccess.errorMessage).toMatch(/future/);
    await waitStored({ service: 'unknown_service', message: 'kept partial' }, 1);

    const empty = await post('/v1/logs', Buffer.alloc(0), { 'content-type': 'application/x-protobuf' });
    expect(empty.status).toBe(200);
    expect(empty.headers.get('content-type')).toMatch(/application\/x-protobuf/);
    expect(decodeLogsResponse(new Uint8Array(await empty.arrayBuffer()))).toEqual({});
  });

  it('answers POST /ingest alike on its direct path and through Express (a browser request, with Origin)', async () => {
    const key = await createServiceKey('twin-paths');
    const log = (service: string, message: string) => JSON.stringify({ service, level: 'info', message });
    const cases: {
      name: string;
      body: Buffer | string;
      headers: Record<string, string>;
      status: number;
      code?: string;
    }[] = [
      { name: 'stored', body: log('twin-paths', 'both paths'), headers: { 'x-api-key': key }, status: 202 },
      { name: 'no key', body: log('twin-paths', 'x'), headers: {}, status: 401, code: 'unauthorized' },
      {
        name: 'bad key',
        body: log('twin-paths', 'x'),
        headers: { 'x-api-key': 'nope' },
        status: 401,
        code: 'unauthorized',
      },
      {
        name: 'other service',
        body: log('elsewhere', 'x'),
        headers: { 'x-api-key': key },
        status: 403,
        code: 'forbidden',
      },
      {
        name: 'broken JSON',
        body: '{"service":',
        headers: { 'x-api-key': key },
        status: 400,
        code: 'invalid_json',
      },
      { name: 'empty', body: '', headers: { 'x-api-key': key }, status: 400, code: 'invalid_json' },
      {
        name: 'not UTF-8',
        body: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]),
        headers: { 'x-api-key': key },
        status: 400,
        code: 'invalid_encoding',
      },
      {
        name: 'invalid log',
        body: '{"service":"twin-paths"}',
        headers: { 'x-api-key': key },
        status: 400,
        code: 'validation_failed',
      },
      {
        name: 'too large',
        body: JSON.stringify({
          service: 'twin-paths',
          level: 'info',
          message: 'x'.repeat(LIMITS.maxBodyBytes),
        }),
        headers: { 'x-api-key': key },
        status: 413,
        code: 'payload_too_large',
      },
    ];
    for (const origin of [undefined, 'http://localhost:3001']) {
      for (const entry of cases) {
        const res = await post('/ingest', entry.body, {
          'content-type': 'application/json',
          ...(origin ? { origin } : {}),
          ...entry.headers,
          ...(entry.headers['x-api-key'] ? {} : { 'x-api-key': '' }),
        });
        const label = `${entry.name}${origin ? ' (via Express)' : ''}`;
        expect([label, res.status]).toEqual([label, entry.status]);
        expect([label, res.headers.get('x-content-type-options')]).toEqual([label, 'nosniff']);
        expect([label, res.headers.get('content-type')]).toEqual([label, 'application/json; charset=utf-8']);
        // Only the browser request goes through CORS, which names the dashboard's origin.
        expect([label, res.headers.get('access-control-allow-origin')]).toEqual([label, origin ?? null]);
        const body = (await res.json()) as { accepted?: number; error?: { code: string } };
        if (entry.code) expect([label, body.error?.code]).toEqual([label, entry.code]);
        else expect([label, body.accepted]).toEqual([label, 1]);
      }
    }
    await waitStored({ service: 'twin-paths' }, 2);
    expect(await stored({ service: 'elsewhere' })).toBe(0);
    const metrics = await (await fetch(`${stack.apiUrl}/metrics`)).text();
    // Both paths count their answers under the same route label.
    expect(metrics).toMatch(/route="\/ingest",status="413"\} [2-9]/);
  });

  it('applies the API-key rules to /v1/logs', async () => {
    const key = await createServiceKey('billing');
    const otlp = (service: string) =>
      JSON.stringify({
        resourceLogs: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
            scopeLogs: [{ logRecords: [{ body: { stringValue: `from ${service}` } }] }],
          },
        ],
      });
    const send = (headers: Record<string, string>, service: string) =>
      fetch(`${stack.apiUrl}/v1/logs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: otlp(service),
      });
    const anonymous = await send({}, 'billing');
    expect(anonymous.status).toBe(401);
    // OTLP's error body: a Status with the gRPC code clients act on, and our usual error object beside it.
    expect(await anonymous.json()).toMatchObject({ code: 16, error: { code: 'unauthorized' } });
    const protobufRefused = await fetch(`${stack.apiUrl}/v1/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: new Uint8Array([0x0a, 0x00]),
    });
    expect(protobufRefused.status).toBe(401);
    expect(protobufRefused.headers.get('content-type')).toMatch(/application\/x-protobuf/);
    const status = decodeStatus(new Uint8Array(await protobufRefused.arrayBuffer()));
    expect(status.code).toBe(16);
    expect(status.message).toMatch(/^unauthorized: /);
    expect((await send({ 'x-api-key': 'not-a-key' }, 'billing')).status).toBe(401);
    expect((await send({ authorization: `Bearer ${key}` }, 'shipping')).status).toBe(403);
    expect((await send({ authorization: `Bearer ${key}` }, 'billing')).status).toBe(200);
    await waitStored({ service: 'billing' }, 1);
    expect(await stored({ service: 'shipping' })).toBe(0);
  });
});

const LIMIT_BYTES = 5 * 1024 * 1024;
