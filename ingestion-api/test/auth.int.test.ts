import { SignJWT } from 'jose';
import { io, type Socket } from 'socket.io-client';
import { createProducer } from '@logstream/producer';
import {
  LIVE_TOKEN_AUDIENCE,
  LIVE_TOKEN_ISSUER,
  type LiveLog,
  type ReplayRequest,
  type ServerToClientEvents,
} from '@logstream/shared-types';
import { startTestStack, waitFor, type TestStack } from '@logstream/devstack';

const ADMIN_KEY = 'auth-test-admin-key-0123456789';
const LIVE_TOKEN_SECRET = 'auth-test-live-token-secret-0123456789abcdef';

/** A live-feed token as the dashboard mints it (or forged, with another secret or an expiry in the past). */
async function liveToken(options: { secret?: string; expiresInS?: number; audience?: string } = {}) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ role: 'viewer' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('user-1')
    .setIssuer(LIVE_TOKEN_ISSUER)
    .setAudience(options.audience ?? LIVE_TOKEN_AUDIENCE)
    .setIssuedAt(now - 600)
    .setExpirationTime(now + (options.expiresInS ?? 120))
    .sign(new TextEncoder().encode(options.secret ?? LIVE_TOKEN_SECRET));
}

/**
 * The real API and worker with AUTH_REQUIRED=true and an ADMIN_KEY, as docker-compose runs them: nothing but
 * health, readiness and metrics answers an anonymous caller, service keys see only their own service, and socket.io
 * refuses connections without valid credentials.
 */
describe('authentication everywhere (processes, AUTH_REQUIRED=true)', () => {
  let stack: TestStack;
  let apiUrl: string;
  const sockets: Socket[] = [];
  const keys: Record<string, string> = {};

  const api = (path: string, init: RequestInit & { key?: string } = {}) =>
    fetch(`${apiUrl}${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', ...(init.key ? { 'x-api-key': init.key } : {}) },
    });
  /** Connects a socket.io client; resolves with the socket once connected, or the refusal's message. */
  const connect = (auth: Record<string, string>) =>
    new Promise<{ socket: Socket; refused?: string }>((resolve) => {
      const socket = io(apiUrl, { auth, transports: ['websocket'], reconnection: false, timeout: 5000 });
      sockets.push(socket);
      socket.once('connect', () => resolve({ socket }));
      socket.once('connect_error', (error) => resolve({ socket, refused: error.message }));
    });

  beforeAll(async () => {
    stack = await startTestStack('auth', {
      AUTH_REQUIRED: 'true',
      ADMIN_KEY,
      LIVE_TOKEN_SECRET,
      LIVE_MAX_PER_SEC: '1000',
      // The worker asks for a missing seq a second after it was expected (the default is 5 s).
      REPLAY_AFTER_MS: '1000',
    });
    apiUrl = stack.apiUrl;
    await stack.startApi();
    await stack.startWorker();
    for (const service of ['payment', 'auth']) {
      const res = await api('/keys', { method: 'POST', key: ADMIN_KEY, body: JSON.stringify({ service }) });
      expect(res.status).toBe(201);
      keys[service] = ((await res.json()) as { key: string }).key;
    }
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await stack?.stop();
  });

  it('answers an anonymous caller on health, readiness and metrics only', async () => {
    for (const path of ['/health', '/ready', '/metrics'])
      expect({ path, status: (await api(path)).status }).toEqual({ path, status: 200 });
    const refused = [
      ['GET', '/ack'],
      ['GET', '/ack/payment'],
      ['GET', '/replays'],
      ['GET', '/queue/stats'],
      ['GET', '/stats/snapshot'],
      ['GET', '/control'],
      ['GET', '/keys'],
      ['GET', '/dead-letters'],
      ['GET', '/admin/queues'],
      ['POST', '/ingest'],
      ['POST', '/replays'],
      ['POST', '/control'],
    ];
    for (const [method, path] of refused) {
      const res = await api(path as string, {
        method,
        body: method === 'POST' ? '{"service":"payment"}' : undefined,
      });
      const body = (await res.json()) as { error?: { code: string }; streams?: unknown };
      expect({ method, path, status: res.status, code: body.error?.code }).toEqual({
        method,
        path,
        status: 401,
        code: 'unauthorized',
      });
    }
  });

  it('lets the producer client work with a service key and scopes every read to that service', async () => {
    const producer = createProducer({
      url: apiUrl,
      service: 'payment',
      apiKey: keys.payment,
      flushIntervalMs: 50,
    });
    for (let i = 0; i < 5; i += 1) await producer.log('info', `charge ${i}`);
    await producer.close({ waitForPersisted: true, timeoutMs: 30_000 });
    expect(producer.stats().persisted).toBe(5);
    const other = await api('/ingest', {
      method: 'POST',
      key: keys.auth,
      body: JSON.stringify({ service: 'auth', logs: [{ level: 'info', message: 'login', seq: 1 }] }),
    });
    expect(other.status).toBe(202);

    const own = (await (await api('/ack', { key: keys.payment })).json()) as {
      streams: { stream: string }[];
    };
    expect(own.streams.length).toBeGreaterThan(0);
    expect(own.streams.every((s) => s.stream.split('/')[0] === 'payment')).toBe(true);
    const all = (await (await api('/ack', { key: ADMIN_KEY })).json()) as { streams: { stream: string }[] };
    expect(all.streams.map((s) => s.stream)).toContain('auth');

    expect((await api('/ack/auth', { key: keys.payment })).status).toBe(403);
    expect((await api('/replays?stream=auth', { key: keys.payment })).status).toBe(403);
    expect((await api('/replays', { key: keys.payment })).status).toBe(200);
    for (const path of ['/queue/stats', '/stats/snapshot', '/control', '/keys', '/dead-letters']) {
      expect({ path, status: (await api(path, { key: keys.payment })).status }).toEqual({
        path,
        status: 403,
      });
    }
    expect((await api('/queue/stats', { key: ADMIN_KEY })).status).toBe(200);
  });

  it('refuses sockets without credentials, with a forged, expired or foreign token, or a revoked key', async () => {
    expect((await connect({})).refused).toBe('unauthorized');
    expect(
      (await connect({ token: await liveToken({ secret: 'another-secret-of-enough-length-000000' }) }))
        .refused,
    ).toBe('unauthorized');
    expect((await connect({ token: await liveToken({ expiresInS: -60 }) })).refused).toBe('unauthorized');
    expect((await connect({ token: await liveToken({ audience: 'someone-else' }) })).refused).toBe(
      'unauthorized',
    );
    expect((await connect({ token: 'not.a.jwt' })).refused).toBe('unauthorized');
    expect((await connect({ key: 'lsk_not-a-key' })).refused).toBe('unauthorized');
    const created = await api('/keys', {
      method: 'POST',
      key: ADMIN_KEY,
      body: JSON.stringify({ service: 'gone' }),
    });
    const { id, key } = (await created.json()) as { id: string; key: string };
    expect((await connect({ key })).refused).toBeUndefined();
    expect((await api(`/keys/${id}`, { method: 'DELETE', key: ADMIN_KEY })).status).toBe(200);
    expect((await connect({ key })).refused).toBe('unauthorized');
  });

  it('streams every log to a valid live token, and only its own service’s logs to a service key', async () => {
    const user = await connect({ token: await liveToken() });
    const service = await connect({ key: keys.payment });
    expect(user.refused).toBeUndefined();
    expect(service.refused).toBeUndefined();
    const seenByUser: LiveLog[] = [];
    const seenByService: LiveLog[] = [];
    user.socket.on('log:new', (logs: LiveLog[]) => seenByUser.push(...logs));
    service.socket.on('log:new', (logs: LiveLog[]) => seenByService.push(...logs));

    const send = (service: string, key: string, seq: number) =>
      api('/ingest', {
        method: 'POST',
        key,
        body: JSON.stringify({ service, logs: [{ level: 'info', message: `${service} live ${seq}`, seq }] }),
      });
    expect((await send('auth', keys.auth as string, 2)).status).toBe(202);
    expect((await send('payment', keys.payment as string, 100)).status).toBe(202);
    await waitFor(
      () =>
        seenByUser.some((l) => l.service === 'auth') &&
        seenByUser.some((l) => l.service === 'payment') &&
        seenByService.some((l) => l.service === 'payment'),
      30_000,
      'live logs did not arrive',
    );
    expect(seenByService.filter((l) => l.service !== 'payment')).toEqual([]);
    // Asking for another service's logs changes nothing for a service key.
    service.socket.emit('live:filter', { services: ['auth'], levels: [] });
    expect((await send('auth', keys.auth as string, 3)).status).toBe(202);
    await waitFor(
      () => seenByUser.some((l) => l.message === 'auth live 3'),
      30_000,
      'auth log 3 did not arrive',
    );
    expect(seenByService.filter((l) => l.service !== 'payment')).toEqual([]);
  });

  it("sends the worker's replay requests to dashboard users only, never to a service key's socket", async () => {
    const user = await connect({ token: await liveToken() });
    const service = await connect({ key: keys.payment });
    expect(user.refused).toBeUndefined();
    expect(service.refused).toBeUndefined();
    const replaysSeenByUser: ReplayRequest[] = [];
    user.socket.on('replay:requested', (replay: ReplayRequest) => replaysSeenByUser.push(replay));
    const seenByService: string[] = [];
    const pipelineEvents: (keyof ServerToClientEvents)[] = [
      'replay:requested',
      'replay:completed',
      'worker:crashed',
      'worker:recovered',
      'ack:sent',
      'metrics:snapshot',
      'queue:stats',
    ];
    for (const event of pipelineEvents) service.socket.on(event, () => seenByService.push(event));

    // An auth producer session whose seq 1 never arrives: the worker's replay watcher asks for it.
    const session = `gap-${Date.now()}`;
    const res = await api('/ingest', {
      method: 'POST',
      key: keys.auth,
      body: JSON.stringify({
        service: 'auth',
        session,
        logs: [{ level: 'info', message: 'after a gap', seq: 2 }],
      }),
    });
    expect(res.status).toBe(202);
    await waitFor(
      () => replaysSeenByUser.some((replay) => replay.session === session && replay.from === 1),
      30_000,
      'the replay request for the missing seq did not reach the dashboard user',
    );
    expect(replaysSeenByUser.find((replay) => replay.session === session)?.stream).toBe('auth');
    expect(seenByService).toEqual([]);
  });
});
