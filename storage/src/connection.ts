import mongoose from 'mongoose';
import type { MongoReadPreference } from '@logstream/shared-types';

/** Database used when `MONGO_URL` names none in its path. */
export const DEFAULT_DB_NAME = 'logstream';

/** The database named in a MongoDB URL's path, if any (`mongodb://h:27017/mydb?x=1` → `mydb`). */
export function dbNameFromUrl(url: string): string | undefined {
  const match = /^mongodb(?:\+srv)?:\/\/[^/]+\/([^?]*)/.exec(url);
  const name = match?.[1] ? decodeURIComponent(match[1]) : '';
  return name.length > 0 ? name : undefined;
}

/** Options for {@link connectMongo}. */
export interface ConnectMongoOptions {
  /** Overrides the database from the URL (tests give each suite its own). */
  dbName?: string;
  /** Connection pool size; default 10. */
  maxPoolSize?: number;
  /** Fail the first connection after this many ms; default 10 000. */
  serverSelectionTimeoutMS?: number;
  /**
   * A call whose socket stays silent this long, or that waits this long for a pooled connection, fails instead of
   * hanging. Default: none (the driver's default, wait forever).
   */
  operationTimeoutMS?: number;
  /** Driver command monitoring, used by the benchmark to count insert commands. */
  monitorCommands?: boolean;
  /**
   * Write concern of every write (`majority`, or a number of members). Default: the server's (on a MongoDB 5+ replica
   * set that is `majority`). MONGO_WRITE_CONCERN.
   */
  writeConcern?: 'majority' | number;
  /** Where reads go on a replica set (the dashboard may read from secondaries). Default `primary`. */
  readPreference?: MongoReadPreference;
}

/**
 * Opens the one MongoDB connection of a process. The database is `dbName`, else the URL's path, else `logstream`.
 * Resolves once the server answered, so a wrong URL fails at start with the driver's message.
 */
export async function connectMongo(
  url: string,
  options: ConnectMongoOptions = {},
): Promise<mongoose.Connection> {
  const connection = mongoose.createConnection(url, {
    dbName: options.dbName ?? dbNameFromUrl(url) ?? DEFAULT_DB_NAME,
    maxPoolSize: options.maxPoolSize ?? 10,
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 10_000,
    monitorCommands: options.monitorCommands ?? false,
    ...(options.operationTimeoutMS !== undefined
      ? { socketTimeoutMS: options.operationTimeoutMS, waitQueueTimeoutMS: options.operationTimeoutMS }
      : {}),
    ...(options.writeConcern !== undefined && { writeConcern: { w: options.writeConcern } }),
    ...(options.readPreference !== undefined && { readPreference: options.readPreference }),
    autoIndex: false,
    autoCreate: false,
  });
  await connection.asPromise();
  return connection;
}

/** What a server says it is: the MongoDB version it reports and, on FerretDB, FerretDB's own version. */
export interface ServerBuild {
  version: string;
  ferretdbVersion?: string;
}

/** The driver's database handle, as far as `buildInfo` needs it (mongoose's `connection.db`, a `MongoClient`'s `db()`). */
interface AdminCommands {
  admin(): { command(command: { buildInfo: 1 }): Promise<Record<string, unknown>> };
}

/** Asks the server of `db` what it is (`buildInfo`). */
export async function serverBuild(db: AdminCommands): Promise<ServerBuild> {
  const info = await db.admin().command({ buildInfo: 1 });
  return {
    version: String(info.version),
    ...(typeof info.ferretdbVersion === 'string' && { ferretdbVersion: info.ferretdbVersion }),
  };
}

/**
 * Whether the server applies each update of a document atomically, as MongoDB does. FerretDB v1 reads the document,
 * applies the operators and writes the whole document back with nothing held in between, so two concurrent `$inc`
 * of one document can lose one of them (two clients, four updates in flight each, 600 increments: 172 left).
 * Processes that update shared documents (the rollups) must then take turns.
 */
export async function updatesAreAtomic(connection: mongoose.Connection): Promise<boolean> {
  if (!connection.db) throw new Error('updatesAreAtomic needs an open connection');
  return (await serverBuild(connection.db)).ferretdbVersion === undefined;
}
