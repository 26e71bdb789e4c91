import type { RequestHandler } from 'express';
import { AppError } from '../errors';
import { presentedKey } from './credentials';
import type { KeyAuthenticator } from './key-authenticator';

/** The realm browsers show when asking for the admin key. */
export const ADMIN_REALM = 'LogStream admin';

/**
 * Protects admin routes with `ADMIN_KEY`, given as `x-api-key`, `Authorization: Bearer` or (when `basic`) the password
 * of HTTP basic auth with any user name. Without an admin key the routes are open when auth is off, refused otherwise.
 */
export function adminGuard(options: {
  authenticator: KeyAuthenticator;
  adminKeySet: boolean;
  authRequired: boolean;
  basic?: boolean;
}): RequestHandler {
  const challenge = options.basic
    ? { 'WWW-Authenticate': `Basic realm="${ADMIN_REALM}", charset="UTF-8"` }
    : undefined;
  return (req, _res, next) => {
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
      throw new AppError(
        'unauthorized',
        key ? 'the admin key is not valid' : 'the admin key is required (x-api-key or Authorization)',
        undefined,
        { headers: challenge },
      );
    }
    next();
  };
}
