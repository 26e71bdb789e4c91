import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { ApiKeyInfo, type CreatedApiKey } from '@logstream/shared-types';

/** sha256 of a key, hex. Keys are 32 random bytes, so a fast unsalted hash is enough to make a leaked store useless. */
export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

const KEY_PREFIX = 'lsk_';

/**
 * API keys in Redis, stored hashed. Two hashes under the queue prefix:
 * `<prefix>:api-keys` maps id → key info (JSON, listed and revoked by id), and
 * `<prefix>:api-keys:by-hash` maps sha256(key) → key info (JSON) for valid keys only, so a lookup is one HGET.
 */
export class ApiKeyStore {
  private readonly byId: string;
  private readonly byHash: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.byId = `${prefix}:api-keys`;
    this.byHash = `${prefix}:api-keys:by-hash`;
  }

  /** Creates a key for `service`; the returned `key` is shown once and never stored. */
  async create(service: string): Promise<CreatedApiKey> {
    const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    const info: ApiKeyInfo = ApiKeyInfo.parse({
      id: randomBytes(6).toString('hex'),
      service,
      prefix: key.slice(0, KEY_PREFIX.length + 6),
      createdAt: new Date().toISOString(),
      revokedAt: null,
    });
    const json = JSON.stringify({ ...info, hash: hashKey(key) });
    await this.redis
      .multi()
      .hset(this.byId, info.id, json)
      .hset(this.byHash, hashKey(key), JSON.stringify(info))
      .exec();
    return { ...info, key };
  }

  /** Every key ever created (revoked ones too), oldest first. */
  async list(): Promise<ApiKeyInfo[]> {
    const all = await this.redis.hvals(this.byId);
    return all
      .map((json) => ApiKeyInfo.parse(JSON.parse(json)))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** Revokes a key by id; returns its info, or undefined when no key has that id. Revoking twice is harmless. */
  async revoke(id: string): Promise<ApiKeyInfo | undefined> {
    const json = await this.redis.hget(this.byId, id);
    if (!json) return undefined;
    const stored = JSON.parse(json) as ApiKeyInfo & { hash: string };
    const revoked = { ...stored, revokedAt: stored.revokedAt ?? new Date().toISOString() };
    await this.redis
      .multi()
      .hset(this.byId, id, JSON.stringify(revoked))
      .hdel(this.byHash, stored.hash)
      .exec();
    return ApiKeyInfo.parse(revoked);
  }

  /** The valid key matching `key`, or undefined (unknown or revoked). */
  async lookup(key: string): Promise<ApiKeyInfo | undefined> {
    const json = await this.redis.hget(this.byHash, hashKey(key));
    return json ? ApiKeyInfo.parse(JSON.parse(json)) : undefined;
  }
}
