import { SingleBar, Presets } from 'cli-progress';
import type { JobLog } from '@logstream/shared-types';
import {
  compactHour,
  hoursBetween,
  logDocument,
  minuteOf,
  rollupBucketFields,
  rollupId,
  type LogDocument,
  type Models,
} from '@logstream/storage';

/** What the seeding wrote, for the query shapes to pick realistic parameters from. */
export interface SeedInfo {
  logs: number;
  services: string[];
  requestIds: string[];
  sampleIds: string[];
  words: string[];
  from: Date;
  to: Date;
}

const STREAMS = [
  'api-gateway/eu-1',
  'api-gateway/us-1',
  'auth',
  'payment/eu-1',
  'payment/us-1',
  'orders',
  'search',
  'notification',
];
const LEVELS: [string, number][] = [
  ['trace', 0.03],
  ['debug', 0.15],
  ['info', 0.62],
  ['warn', 0.12],
  ['error', 0.07],
  ['fatal', 0.01],
];
const TEMPLATES: Record<string, string[]> = {
  trace: ['enter handler {route}', 'cache probe {key} miss', 'span {span} closed'],
  debug: [
    'query plan chosen for {table}',
    'retrying upstream {host} attempt {n}',
    'token refreshed for {user}',
  ],
  info: [
    'GET {route} answered 200 in {ms} ms',
    'user {user} signed in from {country}',
    'order {order} placed by {user} total {amount} EUR',
    'payment authorised for order {order}',
    'search "{term}" served {n} hits in {ms} ms',
    'email receipt queued for {user}',
  ],
  warn: [
    'slow query on {table} took {ms} ms',
    'retry budget low for {host}',
    'deprecated header used by {client}',
  ],
  error: [
    'upstream timeout after {ms} ms calling {host}',
    'card declined by issuer for order {order}',
    'db connection reset while writing {table}',
  ],
  fatal: ['out of memory: heap limit reached in {host}', 'panic: invariant broken in {table} writer'],
};
const VOCAB: Record<string, string[]> = {
  route: ['/api/orders/:id', '/api/cart', '/checkout', '/api/search', '/login', '/api/users/:id'],
  key: ['user:42', 'cart:9', 'price:eu', 'session:7f'],
  span: ['db.query', 'http.call', 'render', 'auth.verify'],
  table: ['orders', 'users', 'payments', 'inventory', 'sessions'],
  host: ['billing-svc', 'stock-svc', 'geo-svc', 'mailer', 'fraud-check'],
  user: ['u_981', 'u_12', 'u_7731', 'u_404', 'u_5150', 'u_2048'],
  country: ['DE', 'FR', 'US', 'BR', 'JP', 'IN'],
  order: ['o_1001', 'o_2002', 'o_3113', 'o_4242', 'o_9000'],
  term: ['red shoes', 'usb cable', 'coffee', 'lamp', 'gift card'],
  client: ['ios-app/3.1', 'android/2.9', 'partner-api'],
};
/** Words the text-search shape looks for: common, medium and rare in the seeded messages. */
export const SEARCH_WORDS = [
  'answered',
  'declined',
  'timeout',
  'heap limit',
  'gift card',
  'panic',
  'u_5150',
  'mailer',
];

function prng(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * Writes `count` realistic logs spread evenly (with jitter) over the `days` before `now`, and the per-minute rollups
 * the worker would have kept for them. Logs go in bulk inserts of 1000 through `writers` concurrent writers, with a
 * progress bar on stderr.
 */
export async function seedSearchData(
  models: Models,
  count: number,
  options: { days: number; writers: number; now: Date; progress: boolean },
): Promise<SeedInfo> {
  const rand = prng(7);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
  const fill = (template: string) =>
    template.replace(/\{(\w+)\}/g, (_, name: string) =>
      name === 'ms'
        ? String(Math.floor(rand() * 3000))
        : name === 'n'
          ? String(Math.floor(rand() * 50))
          : name === 'amount'
            ? (rand() * 300).toFixed(2)
            : pick(VOCAB[name] ?? ['x']),
    );
  const level = () => {
    let r = rand();
    for (const [name, weight] of LEVELS) if ((r -= weight) < 0) return name;
    return 'info';
  };
  const to = now(options.now);
  const spanMs = options.days * 86_400_000;
  const from = new Date(to.getTime() - spanMs);
  const seqs = new Map<string, number>();
  const rollups = new Map<string, { minute: Date; service: string; level: string; count: number }>();
  const requestIds: string[] = [];
  const sampleIds: string[] = [];
  const bar = options.progress
    ? new SingleBar(
        {
          format: 'seeding logs [{bar}] {percentage}% {value}/{total} | {rate} logs/s | eta {eta_formatted}',
          stream: process.stderr,
        },
        Presets.shades_classic,
      )
    : undefined;
  bar?.start(count, 0, { rate: 0 });
  const started = Date.now();
  let written = 0;
  let next = 0;
  const batchSize = 1000;
  const makeBatch = () => {
    const docs: LogDocument[] = [];
    const end = Math.min(count, next + batchSize);
    for (; next < end; next++) {
      const ts = new Date(from.getTime() + Math.floor(((next + rand()) / count) * spanMs));
      const stream = pick(STREAMS);
      const [service, instance] = stream.split('/') as [string, string | undefined];
      const seq = (seqs.get(stream) ?? 0) + 1;
      seqs.set(stream, seq);
      const lvl = level();
      // A request spans a few consecutive logs of different services.
      const requestId = rand() < 0.6 ? `req_${Math.floor(next / 4).toString(36)}` : undefined;
      if (requestId && next % 5000 === 0) requestIds.push(requestId);
      const id = `${stream}@${seq}`;
      if (next % 5000 === 1) sampleIds.push(id);
      const minute = minuteOf(ts);
      docs.push(
        logDocument(
          {
            id,
            service,
            ...(instance ? { instance } : {}),
            seq,
            level: lvl as JobLog['level'],
            message: fill(pick(TEMPLATES[lvl] ?? ['?'])),
            ts: ts.toISOString(),
            ...(requestId ? { requestId } : {}),
            meta: { 'http.status': lvl === 'error' ? 502 : 200, durationMs: Math.floor(rand() * 900) },
          },
          {
            receivedAt: new Date(ts.getTime() + 15),
            storedAt: new Date(ts.getTime() + 40),
            batchId: `seed-${Math.floor(next / batchSize)}`,
            flushRef: `seed:${Math.floor(next / batchSize)}`,
          },
        ),
      );
      const key = rollupId(minute, service, lvl);
      const bucket = rollups.get(key) ?? { minute, service, level: lvl, count: 0 };
      bucket.count += 1;
      rollups.set(key, bucket);
    }
    return docs;
  };
  const writer = async () => {
    for (;;) {
      const docs = makeBatch();
      if (docs.length === 0) return;
      await models.Log.collection.insertMany(docs as never[], { ordered: false });
      written += docs.length;
      bar?.update(written, { rate: Math.round(written / ((Date.now() - started) / 1000)) });
    }
  };
  await Promise.all(Array.from({ length: options.writers }, writer));
  bar?.stop();
  const buckets = [...rollups.entries()].map(([key, b]) => ({
    _id: key,
    ...rollupBucketFields(b.minute, b.service, b.level),
    count: b.count,
    hw: {},
  }));
  for (let i = 0; i < buckets.length; i += 5000)
    await models.Rollup.collection.insertMany(buckets.slice(i, i + 5000) as never[], { ordered: false });
  // The hour rollups the worker's compactor keeps for every hour that is over.
  const hours = hoursBetween(from, to);
  for (let i = 0; i < hours.length; i += options.writers)
    await Promise.all(hours.slice(i, i + options.writers).map((hour) => compactHour(models, hour)));
  return {
    logs: count,
    services: [...new Set(STREAMS.map((s) => s.split('/')[0] as string))],
    requestIds,
    sampleIds,
    words: SEARCH_WORDS,
    from,
    to,
  };
}

function now(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 60_000) * 60_000);
}
