import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { canConnect, freePort, onPath, stopChild, waitFor } from './process-utils';

/** A Redis the product can use, and how it was found. */
export interface ResolvedRedis {
  url: string;
  source: 'env' | 'local' | 'embedded';
  stop: () => Promise<void>;
}

/**
 * `REDIS_URL` when given; else Redis on 127.0.0.1:6379 if it answers; else a `redis-server` from PATH started on a
 * free port in a temporary folder (nothing kept on disk).
 */
export async function resolveRedis(envUrl?: string): Promise<ResolvedRedis> {
  if (envUrl) return { url: envUrl, source: 'env', stop: async () => {} };
  if (await canConnect('127.0.0.1', 6379)) {
    return { url: 'redis://127.0.0.1:6379', source: 'local', stop: async () => {} };
  }
  if (!onPath('redis-server')) {
    throw new Error(
      'No Redis found: nothing answers on 127.0.0.1:6379 and redis-server is not on PATH. ' +
        'Install Redis 6.2+ (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) or set REDIS_URL.',
    );
  }
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logstream-redis-'));
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: 'ignore' },
  );
  await waitFor(() => canConnect('127.0.0.1', port), 10_000, `redis-server did not start on port ${port}`);
  return {
    url: `redis://127.0.0.1:${port}`,
    source: 'embedded',
    stop: async () => {
      await stopChild(child);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Deletes every key that starts with `prefix:` (SCAN, never KEYS: the Redis may be shared and large). */
export async function deleteKeysUnder(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
}

/** {@link deleteKeysUnder} on a connection of its own to `url`. */
export async function deletePrefixKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 2 });
  try {
    await deleteKeysUnder(redis, prefix);
  } finally {
    redis.disconnect();
  }
}
