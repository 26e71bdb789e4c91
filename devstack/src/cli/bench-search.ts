import { randomBytes } from 'node:crypto';
import { Command } from 'commander';
import {
  compactHour,
  connectMongo,
  hourBuckets,
  hourOf,
  hoursBetween,
  createModels,
  ensureIndexes,
  requestLogs,
  rollupBuckets,
  rollupReader,
  searchPage,
  searchVolume,
  UserAccounts,
  type Models,
  type PageRequest,
} from '@logstream/storage';
import { loadConfig } from '../config';
import { startDashboard } from '../dashboard-server';
import { resolveMongo } from '../mongo';
import { tuneFerretdbTables } from '../postgres';
import { freePort } from '../process-utils';
import { mongoUrlWithDb, uniqueName } from '../testing';
import { seedSearchData, type SeedInfo } from '../bench/search-seed';
import { browserTimings } from '../bench/search-browser';
import { percentile } from '../bench/load';

const log = (line: string) => process.stderr.write(`[bench:search] ${line}\n`);

const HOUR = 3_600_000;
/** How often the worker's rollup compactor runs by default (ROLLUP_COMPACT_INTERVAL_MS). */
const COMPACT_INTERVAL_MS = 15_000;
const DAY = 24 * HOUR;

/** The query shapes of the dashboard, each a function of the run number (parameters vary from run to run). */
function shapes(models: Models, seed: SeedInfo): Record<string, (run: number) => Promise<number>> {
  const now = seed.to.getTime();
  const pick = <T>(list: T[], run: number): T => list[run % list.length] as T;
  const levels = ['error', 'warn', 'fatal', 'debug'];
  const sizes = [25, 50, 100, 200];
  const base = (run: number, rangeMs = DAY): PageRequest => {
    // Vary the end of the window over the seeded days, so each run reads other buckets.
    const to = new Date(now - (run % 7) * 17 * 60_000 * 61);
    return {
      from: new Date(to.getTime() - rangeMs),
      to,
      services: [],
      levels: [],
      q: '',
      requestId: '',
      traceId: '',
      limit: pick(sizes, run),
      cursor: null,
    };
  };
  const page = async (request: PageRequest) =>
    (await searchPage(models, rollupReader(models), request)).rows.length;
  return {
    latest_page: (run) => page({ ...base(0), limit: pick(sizes, run) }),
    service_page: (run) => page({ ...base(run), services: [pick(seed.services, run)] }),
    level_page: (run) => page({ ...base(run), levels: [pick(levels, run)] }),
    service_level_page: (run) =>
      page({ ...base(run), services: [pick(seed.services, run)], levels: [pick(levels, run + 1)] }),
    time_range_page: (run) => {
      const to = new Date(
        seed.from.getTime() + ((run * 7919) % (seed.to.getTime() - seed.from.getTime() - HOUR)) + HOUR,
      );
      return page({ ...base(run), from: new Date(to.getTime() - HOUR), to });
    },
    next_page: async (run) => {
      const request = { ...base(run), services: run % 2 ? [pick(seed.services, run)] : [] };
      const first = await searchPage(models, rollupReader(models), request);
      const last = first.rows[first.rows.length - 1];
      if (!last) return 0;
      return page({ ...request, cursor: { ts: new Date(last.ts), id: last._id } });
    },
    text_search_24h: (run) => page({ ...base(run), q: pick(seed.words, run), limit: 50 }),
    text_search_1h: (run) => page({ ...base(run, HOUR), q: pick(seed.words, run), limit: 50 }),
    request_id: (run) => page({ ...base(run, 7 * DAY), requestId: pick(seed.requestIds, run) }),
    drawer_permalink: async (run) => ((await models.Log.findById(pick(seed.sampleIds, run)).lean()) ? 1 : 0),
    drawer_neighbours: async (run) => {
      const id = pick(seed.sampleIds, run);
      const [stream, seqText] = id.split('@') as [string, string];
      const seq = Number(seqText);
      const ids = Array.from({ length: 11 }, (_, i) => `${stream}@${seq - 5 + i}`).filter(
        (_, i) => seq - 5 + i > 0,
      );
      const docs = await Promise.all(ids.map((n) => models.Log.findById(n).lean()));
      return docs.filter(Boolean).length;
    },
    drawer_request_trace: async (run) => (await requestLogs(models, pick(seed.requestIds, run))).length,
    histogram_1h: async (run) => (await searchVolume(models, rollupReader(models), base(run, HOUR))).total,
    histogram_24h: async (run) =>
      (
        await searchVolume(models, rollupReader(models), {
          ...base(run),
          services: run % 2 ? [pick(seed.services, run)] : [],
        })
      ).total,
    histogram_7d: async (run) => (await searchVolume(models, rollupReader(models), base(run, 7 * DAY))).total,
    overview_totals_24h: async (run) => {
      const end = new Date(now - (run % 5) * 60_000);
      const rows = await hourBuckets(models, rollupReader(models), new Date(end.getTime() - DAY), end);
      return rows.reduce((sum, row) => sum + row.count, 0);
    },
    overview_last_hour: async (run) => {
      const end = new Date(now - (run % 5) * 60_000);
      const rows = await rollupBuckets(rollupReader(models), new Date(end.getTime() - HOUR), end);
      return rows.reduce((sum, row) => sum + row.count, 0);
    },
  };
}

async function main(): Promise<void> {
  const program = new Command()
    .name('bench:search')
    .description('Seeds N logs into the embedded default database and times every dashboard query shape.')
    .option('--logs <n>', 'logs to seed', '100000')
    .option('--days <n>', 'days the logs are spread over', '7')
    .option('--runs <n>', 'runs per query shape (parameters vary)', '20')
    .option('--writers <n>', 'concurrent bulk-insert writers while seeding', '4')
    .option('--no-browser', 'skip the Chromium timings')
    .option('--keep <db>', 'seed into this database and keep it (a later run with --reuse skips seeding)')
    .option('--reuse <db>', 'time the queries on a database seeded by an earlier --keep run')
    .option(
      '--postgres-database <name>',
      'PostgreSQL database a --keep/--reuse run keeps FerretDB data in (FerretDB on PostgreSQL only)',
      'logstream_bench',
    )
    .option('--json', 'print the result as one JSON line last')
    .parse();
  const opts = program.opts<{
    keep?: string;
    reuse?: string;
    postgresDatabase: string;
    logs: string;
    days: string;
    runs: string;
    writers: string;
    browser: boolean;
    json: boolean;
  }>();
  const count = Number(opts.logs);
  const runs = Math.max(20, Number(opts.runs));
  const config = loadConfig();
  const mongo = await resolveMongo({
    envUrl: config.MONGO_URL,
    prefer: config.LOGSTREAM_MONGO,
    ferretdbBackend: config.LOGSTREAM_FERRETDB_BACKEND,
    postgresUrl: config.LOGSTREAM_POSTGRES_URL,
    // A kept database lives in a named PostgreSQL database, so a later run finds it again.
    postgresDatabase: opts.keep || opts.reuse ? opts.postgresDatabase : undefined,
    log,
  });
  log(`database: ${mongo.url} (${mongo.backend})`);
  const db = opts.reuse ?? opts.keep ?? uniqueName('bench_search');
  const connection = await connectMongo(mongoUrlWithDb(mongo.url, db), { maxPoolSize: 16 });
  const models = createModels(connection);
  try {
    const seedStart = Date.now();
    const seeds = connection.collection<{ _id: string } & SeedInfo>('bench_seed');
    let seed = opts.reuse ? await seeds.findOne({ _id: 'seed' }) : null;
    if (opts.reuse && !seed) throw new Error(`database ${db} holds no seed from a --keep run`);
    if (!seed) {
      seed = {
        _id: 'seed',
        ...(await seedSearchData(models, count, {
          days: Number(opts.days),
          writers: Number(opts.writers),
          now: new Date(),
          progress: process.stderr.isTTY || !opts.json,
        })),
      };
      await seeds.insertOne(seed);
    }
    // Indexes after the bulk load: building them once is faster than maintaining them per insert.
    await ensureIndexes(models);
    const seedSeconds = opts.reuse ? 0 : (Date.now() - seedStart) / 1000;
    if (!opts.reuse)
      log(
        `seeded ${seed.logs} logs in ${seedSeconds.toFixed(0)} s (${Math.round(seed.logs / seedSeconds)} logs/s)`,
      );
    if (mongo.postgresUrl) {
      const created = await tuneFerretdbTables(mongo.postgresUrl);
      log(`PostgreSQL GIN indexes for FerretDB's pushdown: ${created.length} created`);
    }
    // The worker's compactor keeps the newest hours compacted up to the current minute: do what it would have done
    // since the seeding ended, then, while the shapes are timed, what it does every 15 s (the current hour again).
    for (const hour of hoursBetween(new Date(seed.to.getTime() - 3_600_000), new Date()))
      await compactHour(models, hour);
    const compactor = setInterval(
      () => void compactHour(models, hourOf(new Date()).getTime()).catch(() => undefined),
      COMPACT_INTERVAL_MS,
    );
    const queries: Record<string, { p50Ms: number; p95Ms: number; rows: number }> = {};
    for (const [name, run] of Object.entries(shapes(models, seed))) {
      const times: number[] = [];
      let rows = 0;
      await run(0); // warm-up (connection, FerretDB's metadata cache)
      for (let i = 1; i <= runs; i++) {
        const started = process.hrtime.bigint();
        rows += await run(i);
        times.push(Number(process.hrtime.bigint() - started) / 1e6);
      }
      queries[name] = {
        p50Ms: Math.round(percentile(times, 50) * 10) / 10,
        p95Ms: Math.round(percentile(times, 95) * 10) / 10,
        rows: Math.round(rows / runs),
      };
      log(
        `${name.padEnd(22)} p50 ${queries[name].p50Ms} ms  p95 ${queries[name].p95Ms} ms  (avg rows ${queries[name].rows})`,
      );
    }
    let browser: Record<string, { medianMs: number; maxMs: number }> | undefined;
    if (opts.browser) {
      const port = await freePort();
      // Every page needs a signed-in user: a viewer of this database only, replaced on each run.
      const viewer = { email: 'bench-viewer@logstream.local', password: randomBytes(18).toString('base64url') };
      await models.User.deleteMany({ email: viewer.email });
      await new UserAccounts(models.User).create({ ...viewer, role: 'viewer' });
      const dashboard = await startDashboard(port, {
        MONGO_URL: mongoUrlWithDb(mongo.url, db),
        API_URL: 'http://127.0.0.1:9',
        API_TIMEOUT_MS: '300',
        SESSION_SECRET: randomBytes(32).toString('base64url'),
      });
      try {
        browser = await browserTimings(dashboard.url, seed.words, log, viewer);
      } finally {
        await dashboard.stop();
      }
    }
    clearInterval(compactor);
    const worstP95Ms = Math.max(...Object.values(queries).map((q) => q.p95Ms));
    const result = {
      logs: seed.logs,
      backend: mongo.backend,
      seedSeconds: Math.round(seedSeconds),
      runsPerShape: runs,
      queries,
      browser,
      worstP95Ms,
    };
    if (opts.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    if (!opts.keep && !opts.reuse) await connection.dropDatabase().catch(() => undefined);
    await connection.close();
    await mongo.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:search failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
