import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import concurrently from 'concurrently';
import { ConfigError } from '@logstream/shared-types';
import { appCommandLine } from '../app-command';
import { loadConfig, type DevstackConfig } from '../config';
import { ensureDemoAdmin } from '../demo-admin';
import { DemoUpkeep } from '../demo-upkeep';
import { resolveMongo } from '../mongo';
import { cacheDir, repoRoot } from '../paths';
import { runWithProgress } from '../process-utils';
import { resolveRedis } from '../redis';

const say = (line: string) => process.stdout.write(`\x1b[1m[logstream]\x1b[0m ${line}\n`);

/** Builds the dashboard once (next build, with its own output and a line every 15 s) when no build exists yet. */
async function ensureDashboardBuild(root: string): Promise<void> {
  if (fs.existsSync(path.join(root, 'dashboard', '.next', 'BUILD_ID'))) return;
  say('building the dashboard (first run only, about a minute or two)…');
  await runWithProgress('npm', ['run', 'build', '-w', '@logstream/dashboard'], {
    cwd: root,
    label: 'building the dashboard',
    say,
  });
}

/** Where `npm start` tells other local tools (the simulator) what it runs; the simulator reads the same path. */
const ENDPOINTS_FILE = ['devstack', 'endpoints.json'] as const;

/**
 * `npm start`: the whole product on embedded defaults — Redis and MongoDB found or started, then the API, the worker,
 * the dashboard and a gentle simulator, with prefixed output. Ctrl-C stops everything, embedded servers included.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const root = repoRoot();
  const redis = await resolveRedis(config.REDIS_URL);
  say(`redis: ${redis.url} (${redis.source})`);
  say('looking for MongoDB (MONGO_URL, then mongodb-memory-server, then FerretDB on PostgreSQL)…');
  const mongo = await resolveMongo({
    envUrl: config.MONGO_URL,
    prefer: config.LOGSTREAM_MONGO,
    ferretdbBackend: config.LOGSTREAM_FERRETDB_BACKEND,
    postgresUrl: config.LOGSTREAM_POSTGRES_URL,
    // The demo's data stays across runs (bounded by DEMO_RETENTION_HOURS).
    postgresDatabase: 'logstream_demo',
    ferretdbDataDir: cacheDir('ferretdb-data', 'demo'),
    log: say,
  });
  say(`mongodb: ${mongo.url} (${mongo.source}: ${mongo.backend})`);
  const mongoUrl = mongo.url.replace(/\/?(\?.*)?$/, '/logstream$1');
  const upkeep = new DemoUpkeep(mongoUrl, mongo.postgresUrl, config.DEMO_RETENTION_HOURS, say);
  const endpoints = path.join(cacheDir(ENDPOINTS_FILE[0]), ENDPOINTS_FILE[1]);
  try {
    await ensureDashboardBuild(root);
    await upkeep.start();
    fs.writeFileSync(
      endpoints,
      JSON.stringify({
        pid: process.pid,
        apiUrl: `http://127.0.0.1:${config.API_PORT}`,
        mongoUrl,
        redisUrl: redis.url,
      }),
    );
    await runAll(config, root, redis.url, mongoUrl);
  } finally {
    say('stopping embedded services…');
    fs.rmSync(endpoints, { force: true });
    await upkeep.stop();
    await mongo.stop();
    await redis.stop();
  }
}

/** Runs the apps with prefixed output until one fails or Ctrl-C. */
async function runAll(
  config: DevstackConfig,
  root: string,
  redisUrl: string,
  mongoUrl: string,
): Promise<void> {
  const apiUrl = `http://127.0.0.1:${config.API_PORT}`;
  const shared = { REDIS_URL: redisUrl, MONGO_URL: mongoUrl, LOG_PRETTY: 'true', FORCE_COLOR: '1' };
  // Fresh secrets per run: the demo's sessions, live-feed tokens and admin key never outlive it.
  const secret = () => randomBytes(32).toString('base64url');
  const secrets = { LIVE_TOKEN_SECRET: secret(), ADMIN_KEY: secret() };
  const demoAdmin = await ensureDemoAdmin(mongoUrl);
  const commands: { name: string; prefixColor: string; command: string; env: Record<string, string> }[] = [
    {
      name: 'api',
      prefixColor: 'cyan',
      command: appCommandLine('ingestion-api'),
      env: {
        ...shared,
        ...secrets,
        PORT: String(config.API_PORT),
        // The demo keeps ingest open so that the README's curl examples work; production sets AUTH_REQUIRED=true.
        AUTH_REQUIRED: 'false',
        ENABLE_FAULTS: 'true',
        DASHBOARD_ORIGIN: `http://localhost:${config.DASHBOARD_PORT}`,
      },
    },
    {
      name: 'worker',
      prefixColor: 'magenta',
      command: appCommandLine('log-worker'),
      env: { ...shared, HEALTH_PORT: String(config.WORKER_PORT) },
    },
    {
      name: 'dashboard',
      prefixColor: 'green',
      command: `npm run start -w @logstream/dashboard`,
      env: {
        ...shared,
        ...secrets,
        SESSION_SECRET: secret(),
        PORT: String(config.DASHBOARD_PORT),
        API_URL: apiUrl,
        PUBLIC_API_URL: apiUrl,
      },
    },
  ];
  if (config.SIMULATE) {
    commands.push({
      name: 'simulator',
      prefixColor: 'yellow',
      command: `node traffic-simulator/dist/main.js --url ${apiUrl} --rate ${config.SIMULATE_RATE} --duration 86400 --mongo-url ${mongoUrl}`,
      env: { ...shared, API_KEY: secrets.ADMIN_KEY },
    });
  }
  say(`API        ${apiUrl}  (metrics: ${apiUrl}/metrics)`);
  say(
    `board      ${apiUrl}/admin/queues  (any user name; password: this run's ADMIN_KEY ${secrets.ADMIN_KEY})`,
  );
  say(`dashboard  http://localhost:${config.DASHBOARD_PORT}`);
  say('\x1b[33mDEMO ONLY\x1b[0m sign-in (a new random password each npm start; shown only now):');
  say(`           e-mail ${demoAdmin.email}   password ${demoAdmin.password}`);
  say(`keys/users CLIs on this demo: MONGO_URL=${mongoUrl} REDIS_URL=${redisUrl} npm run keys -- list`);
  say(`worker     http://127.0.0.1:${config.WORKER_PORT}/health`);
  say('Ctrl-C stops everything.');

  const { result, commands: running } = concurrently(commands, {
    cwd: root,
    prefix: 'name',
    killOthersOn: ['failure'],
    restartTries: 0,
  });
  const stopAll = () => running.forEach((command) => command.kill('SIGTERM'));
  process.once('SIGINT', stopAll);
  process.once('SIGTERM', stopAll);
  await result.catch(() => undefined);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof ConfigError ? error.message : `npm start failed: ${(error as Error).message}`}\n`,
  );
  process.exit(1);
});
