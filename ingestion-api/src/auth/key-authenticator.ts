import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { ApiKeyInfo } from '@logstream/shared-types';
import { AppError } from '../errors';
import type { ApiKeyStore } from './api-key-store';
import { presentedKey } from './credentials';

/** Who sent a request: the admin, or the holder of a service's key. */
export type Principal = { kind: 'admin' } | { kind: 'service'; key: ApiKeyInfo };

const MAX_CACHED = 10_000;

function sameSecret(a: string, b: string): boolean {
  // Compare digests so that lengths never differ and timing says nothing about the admin key.
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db);
}

/**
 * Resolves presented keys to principals. Lookups (hits and misses) are cached for `cacheMs` so that ingest does not
 * query Redis on every request; a key revoked through this process is dropped from the cache at once, one revoked
 * elsewhere (CLI, another replica) stops working within `cacheMs`.
 */
export class KeyAuthenticator {
  private readonly cache = new Map<string, { key: ApiKeyInfo | undefined; until: number }>();

  constructor(
    private readonly store: ApiKeyStore,
    private readonly options: { adminKey: string | undefined; cacheMs: number },
  ) {}

  /** Whether `key` is the admin key. */
  isAdmin(key: string | undefined): boolean {
    return key !== undefined && this.options.adminKey !== undefined && sameSecret(key, this.options.adminKey);
  }

  /**
   * The principal of the key a request presents (`x-api-key` or `Authorization: Bearer`); throws 401 when none is
   * given or it is unknown or revoked, 503 when the key store does not answer.
   */
  async requirePrincipal(headers: IncomingHttpHeaders): Promise<Principal> {
    const key = presentedKey(headers);
    if (!key) {
      throw new AppError(
        'unauthorized',
        'an API key is required: send it as x-api-key or Authorization: Bearer <key>',
      );
    }
    const principal = await this.authenticate(key);
    if (!principal) throw new AppError('unauthorized', 'the API key is not valid (unknown or revoked)');
    return principal;
  }

  /** The principal of `key`, or undefined when the key is unknown or revoked. Throws 503 when Redis fails. */
  async authenticate(key: string): Promise<Principal | undefined> {
    if (this.isAdmin(key)) return { kind: 'admin' };
    const now = Date.now();
    const cached = this.cache.get(key);
    let info: ApiKeyInfo | undefined;
    if (cached && cached.until > now) {
      info = cached.key;
    } else {
      try {
        info = await this.store.lookup(key);
      } catch (error) {
        throw new AppError(
          'unavailable',
          'cannot check the API key: its store (Redis or MongoDB) is not reachable',
          undefined,
          {
            cause: error,
          },
        );
      }
      if (this.options.cacheMs > 0) {
        if (this.cache.size >= MAX_CACHED) this.cache.clear();
        this.cache.set(key, { key: info, until: now + this.options.cacheMs });
      }
    }
    return info ? { kind: 'service', key: info } : undefined;
  }

  /** Drops cached lookups of a revoked key id. */
  forget(id: string): void {
    for (const [key, entry] of this.cache) if (entry.key?.id === id) this.cache.delete(key);
  }
}
