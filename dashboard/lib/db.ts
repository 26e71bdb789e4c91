import type { Connection } from 'mongoose';
import { connectMongo, createModels, type Models } from '@logstream/storage';
import { config } from './config';
import { maxTimePlugin } from './query-timeout';

interface DbCache {
  connection?: Promise<Connection>;
  models?: Promise<Models>;
}

// One connection per server process; kept on globalThis so dev-mode module reloads do not open more.
const holder = globalThis as typeof globalThis & { __logstreamDashboardDb?: DbCache };
const cache: DbCache = (holder.__logstreamDashboardDb ??= {});

/** The shared mongoose models on the process's one MongoDB connection (opened on first use, retried after a failure). */
export function models(): Promise<Models> {
  if (!cache.models) {
    const connection = connectMongo(config().mongoUrl, {
      maxPoolSize: 10,
      serverSelectionTimeoutMS: 5_000,
      ...config().mongoOptions,
    });
    cache.connection = connection;
    cache.models = connection
      .then((conn) => {
        // Every page query gets a server-side time limit; a query over it shows a clear message (app/error.tsx).
        conn.plugin(maxTimePlugin(config().queryTimeoutMs));
        return createModels(conn);
      })
      .catch((error: unknown) => {
        // Forget the failed attempt so the next request tries again instead of failing forever.
        cache.connection = undefined;
        cache.models = undefined;
        throw error;
      });
  }
  return cache.models;
}
