import type { RequestHandler } from 'express';
import { AppError } from '../errors';
import type { Access } from '../http/types';
import { presentedKey } from './credentials';
import type { KeyAuthenticator, Principal } from './key-authenticator';

/** Where guards leave the request's principal; undefined when the route is open (auth off, or public). */
export type AuthLocals = { principal?: Principal };

/** The realm browsers show when asking for the admin key (BullMQ board). */
export const ADMIN_REALM = 'LogStream admin';

/** What every access guard needs. */
export interface AccessGuardOptions {
  authenticator: KeyAuthenticator;
  /** AUTH_REQUIRED: every non-public route needs a key. */
  authRequired: boolean;
  /** Whether ADMIN_KEY is configured. */
  adminKeySet: boolean;
}

/**
 * The middleware that enforces a route's declared `access`:
 * - `public`: anyone (health, readiness).
 * - `key`: any valid key (a service key, scoped to its service by the handler, or the admin key) when AUTH_REQUIRED;
 *   open otherwise.
 * - `admin`: the admin key. Without an ADMIN_KEY these routes are open only when AUTH_REQUIRED=false.
 * `basic` also reads the key as the password of HTTP basic auth, so that a browser can open the BullMQ board.
 */
export function accessGuard(
  access: Access,
  options: AccessGuardOptions & { basic?: boolean },
): RequestHandler {
  const challenge = options.basic
    ? { 'WWW-Authenticate': `Basic realm="${ADMIN_REALM}", charset="UTF-8"` }
    : undefined;
  return async (req, res, next) => {
    if (access === 'public') return next();
    const locals = res.locals as AuthLocals;
    if (access === 'admin') {
      if (!options.adminKeySet) {
        if (!options.authRequired) return next();
        throw new AppError(
          'unauthorized',
          'admin routes are disabled: the server has no ADMIN_KEY',
          undefined,
          {
            headers: challenge,
          },
        );
      }
      const key = presentedKey(req.headers, options.basic);
      if (!options.authenticator.isAdmin(key)) {
        if (!key) {
          throw new AppError(
            'unauthorized',
            'the admin key is required (x-api-key or Authorization)',
            undefined,
            {
              headers: challenge,
            },
          );
        }
        // A valid service key is known but not allowed here; anything else is simply not a valid admin key.
        const principal = await options.authenticator.authenticate(key);
        if (principal) throw new AppError('forbidden', 'this route needs the admin key, not a service key');
        throw new AppError('unauthorized', 'the admin key is not valid', undefined, { headers: challenge });
      }
      locals.principal = { kind: 'admin' };
      return next();
    }
    if (locals.principal || !options.authRequired) return next();
    locals.principal = await options.authenticator.requirePrincipal(req.headers);
    next();
  };
}
