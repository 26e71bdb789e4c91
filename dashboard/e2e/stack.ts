import type { Connection } from 'mongoose';
import { connectMongo, createModels, ensureIndexes, UserAccounts } from '@logstream/storage';
import {
  deletePrefixKeys,
  freePort,
  mongoUrlWithDb,
  startApp,
  testMongoUrl,
  testRedisUrl,
  uniqueName,
  waitForHttp,
  type AppProcess,
} from '@logstream/devstack';
import { startDashboard, type DashboardServer } from './next-server';
import { seedDashboardData, type SeedSummary } from './seed-data';

const TRAFFIC = [
  'checkout step completed',
  'inventory reserved',
  'payment gateway slow (1.2 s)',
  'cart total mismatch',
];
const TRAFFIC_LEVELS = ['info', 'info', 'warn', 'error'];
/** Seqs the background producer never sends: an ACK gap the API reports and asks to replay. */
const GAP = [40, 42] as const;

/** A dashboard account the tests sign in with. */
export interface Credentials {
  email: string;
  password: string;
}

/** Everything the browser tests run against. */
export interface Stack {
  seed: SeedSummary;
  apiUrl: string;
  /** The API's admin key (the dashboard's server holds it too); also what the test traffic sends. */
  adminKey: string;
  /** An admin and a viewer in the seeded database (the admin also exists in the empty one). */
  users: { admin: Credentials; viewer: Credentials };
  /** Dashboard over the seeded database and the live API. */
  dash: DashboardServer;
  /** Dashboard over an empty database and an API port nobody listens on (unless `empty: false`). */
  emptyDash: DashboardServer | undefined;
  stopTraffic: () => void;
  stop: () => Promise<void>;
}

/**
 * Seeds a unique database through the storage models (logs and two users), starts the real ingestion API and log
 * worker as production runs them (AUTH_REQUIRED=true, admin key, live-token secret), a steady numbered producer with
 * a gap in its seqs, and `next start` servers (the second, over an empty database, unless `empty: false`).
 */
export async function startStack(options: { empty?: boolean } = {}): Promise<Stack> {
  const dbs: Connection[] = [];
  const keyPrefixes: string[] = [];
  const apps: AppProcess[] = [];
  const servers: DashboardServer[] = [];
  let traffic: NodeJS.Timeout | undefined;
  const stopTraffic = () => clearInterval(traffic);
  const stop = async () => {
    stopTraffic();
    // A service that died during the run is the likeliest cause of a failure: show what it said.
    for (const app of apps) {
      if (app.child.exitCode !== null || app.child.signalCode !== null) {
        process.stderr.write(
          `[stack] ${app.child.spawnfile} exited early (${app.child.exitCode ?? app.child.signalCode}):\n${app.output()}\n`,
        );
      }
    }
    await Promise.all(servers.map((s) => s.stop()));
    await Promise.all(apps.map((a) => a.stop()));
    for (const connection of dbs) {
      await connection.dropDatabase();
      await connection.close();
    }
    for (const prefix of keyPrefixes) await deletePrefixKeys(testRedisUrl(), prefix);
  };
  try {
    const db = uniqueName('dash');
    keyPrefixes.push(db);
    const mongoUrl = mongoUrlWithDb(testMongoUrl(), db);
    const connection = await connectMongo(mongoUrl);
    dbs.push(connection);
    const models = createModels(connection);
    await ensureIndexes(models);
    const seed = await seedDashboardData(models);
    const users = {
      admin: { email: 'admin@e2e.example', password: `admin-${uniqueName('pw')}` },
      viewer: { email: 'viewer@e2e.example', password: `viewer-${uniqueName('pw')}` },
    };
    const accounts = new UserAccounts(models.User);
    await accounts.create({ ...users.admin, role: 'admin' });
    await accounts.create({ ...users.viewer, role: 'viewer' });

    const apiPort = await freePort();
    const healthPort = await freePort();
    const dashPort = await freePort();
    const emptyPort = await freePort();
    const deadApiPort = await freePort();
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const adminKey = `admin-${uniqueName('key')}`;
    const liveTokenSecret = `live-${uniqueName('secret')}-0123456789abcdef`;
    const env = {
      REDIS_URL: testRedisUrl(),
      MONGO_URL: mongoUrl,
      QUEUE_PREFIX: db,
      AUTH_REQUIRED: 'true',
      ADMIN_KEY: adminKey,
      LIVE_TOKEN_SECRET: liveTokenSecret,
      ENABLE_FAULTS: 'true',
      DASHBOARD_ORIGIN: `http://127.0.0.1:${dashPort}`,
    };
    apps.push(startApp('ingestion-api', { ...env, PORT: String(apiPort) }));
    apps.push(startApp('log-worker', { ...env, HEALTH_PORT: String(healthPort) }));
    await waitForHttp(`${apiUrl}/ready`);
    await waitForHttp(`http://127.0.0.1:${healthPort}/ready`);

    // A steady numbered producer through the real API, so rates, queue samples, ACK watermarks and a replay exist.
    let seq = 0;
    traffic = setInterval(() => {
      const logs = Array.from({ length: 4 }, (_, i) => {
        seq += 1;
        if (seq === GAP[0]) seq = GAP[1] + 1;
        const level = TRAFFIC_LEVELS[(seq + i) % 4];
        return {
          service: 'checkout',
          instance: 'eu-1',
          seq,
          level,
          message: TRAFFIC[seq % 4],
          requestId: `req_t${seq}`,
        };
      });
      fetch(`${apiUrl}/ingest`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': adminKey },
        body: JSON.stringify(logs),
      }).catch(() => undefined);
    }, 500);

    const dashEnv = {
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: db,
      SESSION_SECRET: `session-${uniqueName('secret')}-0123456789abcdef`,
      LIVE_TOKEN_SECRET: liveTokenSecret,
    };
    const dash = await startDashboard(dashPort, {
      ...dashEnv,
      MONGO_URL: mongoUrl,
      API_URL: apiUrl,
      PUBLIC_API_URL: apiUrl,
      ADMIN_KEY: adminKey,
    });
    servers.push(dash);
    let emptyDash: DashboardServer | undefined;
    if (options.empty !== false) {
      const emptyUrl = mongoUrlWithDb(testMongoUrl(), uniqueName('dash_empty'));
      const emptyDb = await connectMongo(emptyUrl);
      dbs.push(emptyDb);
      await new UserAccounts(createModels(emptyDb).User).create({ ...users.admin, role: 'admin' });
      emptyDash = await startDashboard(emptyPort, {
        ...dashEnv,
        MONGO_URL: emptyUrl,
        API_URL: `http://127.0.0.1:${deadApiPort}`,
      });
      servers.push(emptyDash);
    }
    return { seed, apiUrl, adminKey, users, dash, emptyDash, stopTraffic, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
