import { CreateApiKeyRequest } from '@logstream/shared-types';
import type { ApiKeyStore } from '../auth/api-key-store';
import type { KeyAuthenticator } from '../auth/key-authenticator';
import { AppError } from '../errors';
import type { Handler } from '../http/types';

/** `POST /keys {service}`: 201 with the new key, shown this once (admin). */
export function createKeyHandler(store: ApiKeyStore): Handler {
  return async (req) => {
    const parsed = CreateApiKeyRequest.safeParse(req.body);
    if (!parsed.success) {
      throw new AppError(
        'validation_failed',
        parsed.error.issues[0]?.message ?? 'body must be { "service": "<name>" }',
      );
    }
    return { status: 201, body: await store.create(parsed.data.service) };
  };
}

/** `GET /keys`: every key with its service, prefix and state; never the keys themselves (admin). */
export function listKeysHandler(store: ApiKeyStore): Handler {
  return async () => ({ status: 200, body: { keys: await store.list() } });
}

/** `DELETE /keys/:id`: revokes a key at once in this process, within AUTH_CACHE_MS in the others (admin). */
export function revokeKeyHandler(store: ApiKeyStore, authenticator: KeyAuthenticator): Handler {
  return async (req) => {
    const id = req.params.id ?? '';
    const revoked = await store.revoke(id);
    if (!revoked) throw new AppError('not_found', `no API key ${id}`);
    authenticator.forget(id);
    return { status: 200, body: revoked };
  };
}
