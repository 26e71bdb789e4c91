import { DEFAULT_RETENTION_DAYS } from '@logstream/shared-types';
import { RETENTION_STATUS_ID } from '@logstream/storage';
import { models } from './db';

/** Size of one collection as the server reports it. */
export interface CollectionSize {
  name: string;
  documents: number;
  /** Uncompressed data size, bytes; null when the server does not report it. */
  dataBytes: number | null;
  /** On-disk size (data + indexes), bytes; null when the server does not report it. */
  storageBytes: number | null;
}

/** Retention settings and storage use, for the Services page. */
export interface RetentionOverview {
  defaultDays: number;
  /** False until a worker has started once (the default shown is then the built-in one). */
  workerSeen: boolean;
  ttlIndex: boolean;
  sweepIntervalMs: number | null;
  lastSweepAt: string | null;
  lastSweepDeleted: { logs: number; rollups: number; deadLetters: number } | null;
  overrides: { service: string; days: number }[];
  storage: CollectionSize[];
}

const COLLECTIONS = ['logs', 'rollups_minute', 'dead_letters'] as const;

/** `collStats` where the server has it (MongoDB, FerretDB); a document count otherwise. */
async function sizeOf(name: string): Promise<CollectionSize> {
  const { Log } = await models();
  const db = Log.db.db;
  try {
    const stats = (await db?.command({ collStats: name })) as
      { count?: number; size?: number; storageSize?: number; totalIndexSize?: number } | undefined;
    return {
      name,
      documents: stats?.count ?? 0,
      dataBytes: stats?.size ?? null,
      storageBytes: stats?.storageSize !== undefined ? stats.storageSize + (stats.totalIndexSize ?? 0) : null,
    };
  } catch {
    const documents = (await db?.collection(name).estimatedDocumentCount()) ?? 0;
    return { name, documents, dataBytes: null, storageBytes: null };
  }
}

/** Reads the worker's retention status, the per-service overrides and the size of the main collections. */
export async function retentionOverview(): Promise<RetentionOverview> {
  const { RetentionOverride, RetentionStatus } = await models();
  const [status, overrides, storage] = await Promise.all([
    RetentionStatus.findById(RETENTION_STATUS_ID).lean(),
    RetentionOverride.find({}).sort({ _id: 1 }).lean(),
    Promise.all(COLLECTIONS.map(sizeOf)),
  ]);
  return {
    defaultDays: status?.defaultDays ?? DEFAULT_RETENTION_DAYS,
    workerSeen: status !== null,
    ttlIndex: status?.ttlIndex ?? false,
    sweepIntervalMs: status?.sweepIntervalMs ?? null,
    lastSweepAt: status?.lastSweepAt ? new Date(status.lastSweepAt).toISOString() : null,
    lastSweepDeleted: (status?.lastSweepDeleted as RetentionOverview['lastSweepDeleted']) ?? null,
    overrides: overrides.map((o) => ({ service: String(o._id), days: o.days })),
    storage,
  };
}

/** Sets (`days`) or removes (`null`) a service's own retention. */
export async function setServiceRetention(service: string, days: number | null): Promise<void> {
  const { RetentionOverride } = await models();
  if (days === null) await RetentionOverride.deleteOne({ _id: service });
  else
    await RetentionOverride.updateOne(
      { _id: service },
      { $set: { days, updatedAt: new Date() } },
      { upsert: true },
    );
}
