import { createHash, randomBytes } from 'node:crypto';
import type { RedisClient } from '@logstream/runtime';
import { ApiKeyInfo, type CreatedApiKey } from '@logstream/shared-types';
import { toApiKeyInfo, type ApiKeyDoc, type Models } from '@logstream/storage';

/** sha256 of a key, hex. Keys are 32 random bytes, so a fast unsalted hash is enough to make a leaked store useless. */
export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

const KEY_PREFIX = 'lsk_';
/** How long a found key stays in the Redis cache. */
const HIT_TTL_S = 300;
/** How long "no such valid key" stays in the Redis cache (keeps floods of bad keys off MongoDB). */
const MISS_TTL_S = 60;
const MISS = '-';

/**
 * API keys, stored hashed in MongoDB (the durable record: `api_keys`) with Redis as a lookup cache only. Losing
 * Redis loses nothing: a cache miss reads MongoDB, so every valid key still authenticates and revoked keys stay
 * revoked. Cache entries are `<prefix>:api-key:<sha256>` strings holding the key info (or `-` for none), with a TTL.
 */
export class ApiKeyStore {
  private indexed: Promise<unknown> | undefined;

  constructor(
    private readonly models: () => Promise<Pick<Models, 'ApiKey'>>,
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  /** The model, with its unique hash index made once per process (the worker makes it too). */
  private async collection(): Promise<Models['ApiKey']> {
    const { ApiKey } = await this.models();
    this.indexed ??= ApiKey.createIndexes().catch((error: unknown) => {
      this.indexed = undefined;
      throw error;
    });
    await this.indexed;
    return ApiKey;
  }

  /** Redis key caching the lookup of one key hash. */
  cacheKey(hash: string): string {
    return `${this.prefix}:api-key:${hash}`;
  }

  /** Creates a key for `service`; the returned `key` is shown once and never stored. */
  async create(service: string): Promise<CreatedApiKey> {
    const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    const hash = hashKey(key);
    const info: ApiKeyInfo = ApiKeyInfo.parse({
      id: randomBytes(6).toString('hex'),
      service,
      prefix: key.slice(0, KEY_PREFIX.length + 6),
      createdAt: new Date().toISOString(),
      revokedAt: null,
    });
    const ApiKey = await this.collection();
    await ApiKey.create({
      _id: info.id,
      service,
      prefix: info.prefix,
      hash,
      createdAt: new Date(info.createdAt),
    });
    await this.redis.set(this.cacheKey(hash), JSON.stringify(info), 'EX', HIT_TTL_S);
    return { ...info, key };
  }

  /** Every key ever created (revoked ones too), oldest first. */
  async list(): Promise<ApiKeyInfo[]> {
    const ApiKey = await this.collection();
    const docs = await ApiKey.find()
      .sort({ createdAt: 1 })
      .limit(10_000)
      .lean<(ApiKeyDoc & { _id: string })[]>();
    return docs.map(toApiKeyInfo);
  }

  /** Revokes a key by id; returns its info, or undefined when no key has that id. Revoking twice is harmless. */
  async revoke(id: string): Promise<ApiKeyInfo | undefined> {
    const ApiKey = await this.collection();
    await ApiKey.updateOne({ _id: { $eq: id }, revokedAt: null }, { $set: { revokedAt: new Date() } });
    const doc = await ApiKey.findOne({ _id: { $eq: id } }).lean<ApiKeyDoc & { _id: string }>();
    if (!doc) return undefined;
    await this.redis.del(this.cacheKey(doc.hash));
    return toApiKeyInfo(doc);
  }

  /** The valid key matching `key`, or undefined (unknown or revoked): the Redis cache, else MongoDB. */
  async lookup(key: string): Promise<ApiKeyInfo | undefined> {
    const hash = hashKey(key);
    const cached = await this.redis.get(this.cacheKey(hash));
    if (cached === MISS) return undefined;
    if (cached) return ApiKeyInfo.parse(JSON.parse(cached));
    const ApiKey = await this.collection();
    const doc = await ApiKey.findOne({ hash: { $eq: hash } }).lean<ApiKeyDoc & { _id: string }>();
    const info = doc && !doc.revokedAt ? toApiKeyInfo(doc) : undefined;
    await this.redis.set(
      this.cacheKey(hash),
      info ? JSON.stringify(info) : MISS,
      'EX',
      info ? HIT_TTL_S : MISS_TTL_S,
    );
    return info;
  }

  /**
   * Copies keys that earlier versions kept only in Redis (`<prefix>:api-keys`, id → JSON with the hash) into
   * MongoDB, keeping their ids and states. Idempotent; returns how many were new.
   */
  async importLegacy(): Promise<number> {
    const legacy = await this.redis.hvals(`${this.prefix}:api-keys`);
    if (legacy.length === 0) return 0;
    const ApiKey = await this.collection();
    let imported = 0;
    for (const json of legacy) {
      const stored = JSON.parse(json) as ApiKeyInfo & { hash?: string };
      if (!stored.hash) continue;
      const result = await ApiKey.updateOne(
        { _id: stored.id },
        {
          $setOnInsert: {
            service: stored.service,
            prefix: stored.prefix,
            hash: stored.hash,
            createdAt: new Date(stored.createdAt),
            revokedAt: stored.revokedAt ? new Date(stored.revokedAt) : null,
          },
        },
        { upsert: true },
      );
      imported += result.upsertedCount;
    }
    return imported;
  }
}
