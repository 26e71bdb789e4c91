import {
  compactHour,
  encodeMetaKeys,
  hourOf,
  hoursBetween,
  messageWords,
  minuteOf,
  rollupBucketFields,
  rollupId,
  type Models,
} from '@logstream/storage';
import type { LogLevel } from '@logstream/shared-types';

/** What {@link seedDashboardData} wrote, so tests can assert against known values. */
export interface SeedSummary {
  logs: number;
  requestId: string;
  requestServices: string[];
  needle: string;
  needleCount: number;
  streamWithHole: string;
  holeSeq: number;
  sampleId: string;
}

const STREAMS = ['api-gateway/eu-1', 'api-gateway/us-1', 'auth', 'payment/eu-1', 'orders', 'search'];
const MESSAGES: Record<LogLevel, string[]> = {
  trace: ['enter handler', 'cache probe'],
  debug: ['query plan chosen', 'retrying upstream call', 'token refreshed'],
  info: [
    'request completed',
    'user signed in',
    'order placed',
    'payment authorised',
    'cache warmed',
    'search served',
  ],
  warn: ['slow query (812 ms)', 'retry budget low', 'deprecated header used'],
  error: ['upstream timeout after 3000 ms', 'card declined by issuer', 'db connection reset'],
  fatal: ['out of memory: heap limit reached'],
};

// Deterministic pseudo-random numbers so every run seeds the same shape.
function prng(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function pickLevel(r: number): LogLevel {
  if (r < 0.04) return 'trace';
  if (r < 0.16) return 'debug';
  if (r < 0.82) return 'info';
  if (r < 0.94) return 'warn';
  if (r < 0.99) return 'error';
  return 'fatal';
}

/**
 * Writes `count` logs spread over the `spanMinutes` before `now` through the shared models, their rollups, a
 * request traced across three services, one stream with a hole in its seqs, and a few replay requests.
 */
export async function seedDashboardData(
  models: Models,
  now = new Date(),
  count = 2400,
  spanMinutes = 120,
): Promise<SeedSummary> {
  const rand = prng(42);
  const seqs = new Map<string, number>();
  const docs: Record<string, unknown>[] = [];
  const holeStream = 'orders';
  const holeSeq = 7;
  const needle = 'Card Declined';
  let needleCount = 0;
  const push = (
    stream: string,
    level: LogLevel,
    message: string,
    ts: Date,
    requestId?: string,
    meta?: Record<string, unknown>,
  ) => {
    const seq = (seqs.get(stream) ?? 0) + 1;
    seqs.set(stream, seq);
    if (stream === holeStream && seq === holeSeq) return; // the log producers never delivered
    const [service, instance] = stream.split('/') as [string, string | undefined];
    if (message.toLowerCase().includes(needle.toLowerCase())) needleCount += 1;
    docs.push({
      _id: `${stream}@${seq}`,
      service,
      ...(instance ? { instance } : {}),
      stream,
      seq,
      level,
      message,
      words: messageWords(message),
      ts,
      minute: minuteOf(ts),
      hour: hourOf(ts),
      receivedAt: new Date(ts.getTime() + 20),
      storedAt: new Date(ts.getTime() + 45),
      ...(requestId ? { requestId } : {}),
      ...(meta ? { meta: encodeMetaKeys(meta) } : {}),
      batchId: `seed-${Math.floor(docs.length / 50)}`,
      flushRef: `seed:${Math.floor(docs.length / 50)}`,
    });
  };
  const start = now.getTime() - spanMinutes * 60_000;
  for (let i = 0; i < count; i += 1) {
    const ts = new Date(start + Math.floor((i / count) * spanMinutes * 60_000 + rand() * 2000));
    const stream = STREAMS[Math.floor(rand() * STREAMS.length)] as string;
    const level = pickLevel(rand());
    const options = MESSAGES[level];
    const message = options[Math.floor(rand() * options.length)] as string;
    const requestId = rand() < 0.5 ? `req_${Math.floor(rand() * 1e6).toString(36)}` : undefined;
    push(stream, level, message, ts, requestId, {
      'http.status': level === 'error' ? 502 : 200,
      durationMs: Math.round(rand() * 900),
    });
  }
  // One request traced across services, twelve minutes ago.
  const requestId = 'req_abc123';
  const t0 = now.getTime() - 12 * 60_000;
  push('api-gateway/eu-1', 'info', 'POST /checkout received', new Date(t0), requestId, {
    route: '/checkout',
  });
  push('auth', 'debug', 'token verified for user u_981', new Date(t0 + 14), requestId);
  push('payment/eu-1', 'error', 'card declined by issuer (code 05)', new Date(t0 + 120), requestId, {
    $ref: 'card#4242',
    'issuer.code': '05',
  });
  push('api-gateway/eu-1', 'warn', 'POST /checkout answered 402 in 131 ms', new Date(t0 + 131), requestId);
  docs.sort((a, b) => (a.ts as Date).getTime() - (b.ts as Date).getTime());
  await models.Log.insertMany(docs, { ordered: false });

  const rollups = new Map<
    string,
    { _id: string; minute: Date; hour: Date; service: string; level: string; count: number; hw: object }
  >();
  for (const doc of docs) {
    const id = rollupId(doc.minute as Date, doc.service as string, doc.level as string);
    const bucket = rollups.get(id) ?? {
      _id: id,
      ...rollupBucketFields(doc.minute as Date, doc.service as string, doc.level as string),
      count: 0,
      hw: {},
    };
    bucket.count += 1;
    rollups.set(id, bucket);
  }
  await models.Rollup.insertMany([...rollups.values()], { ordered: false });
  // What the worker's rollup compactor keeps: every hour of the last day summed (empty ones too), the current one up
  // to the current minute. Searches read these instead of the minute rollups.
  for (const hour of hoursBetween(new Date(now.getTime() - 25 * 3_600_000), new Date(now.getTime() + 60_000)))
    await compactHour(models, hour, now);

  const ago = (ms: number) => new Date(now.getTime() - ms);
  await models.Replay.insertMany([
    {
      _id: 'rp_seed_1',
      stream: holeStream,
      from: holeSeq,
      to: holeSeq,
      status: 'requested',
      origin: 'gap',
      createdAt: ago(90_000),
      requestedAt: ago(88_000),
    },
    {
      _id: 'rp_seed_2',
      stream: 'payment/eu-1',
      from: 40,
      to: 52,
      status: 'completed',
      origin: 'gap',
      createdAt: ago(3_600_000),
      requestedAt: ago(3_599_000),
      completedAt: ago(3_594_000),
    },
    {
      _id: 'rp_seed_3',
      stream: 'auth',
      from: 1,
      to: 20,
      status: 'expired',
      origin: 'manual',
      createdAt: ago(7_000_000),
      requestedAt: ago(6_999_000),
      expiredAt: ago(6_400_000),
    },
  ]);
  return {
    logs: docs.length,
    requestId,
    requestServices: ['api-gateway', 'auth', 'payment'],
    needle,
    needleCount,
    streamWithHole: holeStream,
    holeSeq,
    sampleId: 'payment/eu-1@1',
  };
}
