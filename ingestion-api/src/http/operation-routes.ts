import type { ApiKeyStore } from '../auth/api-key-store';
import type { KeyAuthenticator } from '../auth/key-authenticator';
import { listDeadLettersHandler, retryDeadLetterHandler } from '../handlers/dead-letters';
import { createKeyHandler, listKeysHandler, revokeKeyHandler } from '../handlers/keys';
import type { DeadLetterService } from '../services/dead-letter-service';
import type { Route } from './types';

/** What the key and dead-letter routes need. */
export interface OperationRoutesDeps {
  keys: ApiKeyStore;
  authenticator: KeyAuthenticator;
  deadLetters: DeadLetterService;
}

/** Admin routes for API keys and dead letters. */
export function operationRoutes(deps: OperationRoutesDeps): Route[] {
  return [
    { method: 'post', path: '/keys', handler: createKeyHandler(deps.keys), access: 'admin', json: true },
    { method: 'get', path: '/keys', handler: listKeysHandler(deps.keys), access: 'admin' },
    {
      method: 'delete',
      path: '/keys/:id',
      handler: revokeKeyHandler(deps.keys, deps.authenticator),
      access: 'admin',
    },
    {
      method: 'get',
      path: '/dead-letters',
      handler: listDeadLettersHandler(deps.deadLetters),
      access: 'admin',
    },
    {
      method: 'post',
      path: '/dead-letters/:id/retry',
      handler: retryDeadLetterHandler(deps.deadLetters),
      access: 'admin',
    },
  ];
}
