import type { RequestHandler } from 'express';
import { AppError } from '../errors';
import type { IngestRateLimiter } from '../rate-limit/ingest-rate-limiter';
import { presentedKey } from './credentials';
import type { AuthLocals } from './access-guard';
import type { KeyAuthenticator } from './key-authenticator';
import { servicesOf } from './services-of';

/** Where the guard leaves the request's principal (`res.locals.principal`); undefined when auth is off. */
export type IngestLocals = AuthLocals;

/**
 * The middleware chain in front of an ingest route (`POST /ingest`, `POST /v1/logs`): authenticate the key (401),
 * spend one rate-limit token per request (429), parse the body with the route's parser (`body`, which maps every
 * format to LogStream items), and refuse logs of another service than the key's (403). The route's own parser then
 * finds the body already read and passes it on.
 */
export function ingestGuard(options: {
  authenticator: KeyAuthenticator;
  authRequired: boolean;
  limiter?: IngestRateLimiter;
  body: RequestHandler;
}): RequestHandler[] {
  const authenticate: RequestHandler = async (req, res, next) => {
    if (!options.authRequired) return next();
    const key = presentedKey(req.headers);
    if (!key) {
      throw new AppError(
        'unauthorized',
        'an API key is required: send it as x-api-key or Authorization: Bearer <key>',
      );
    }
    const principal = await options.authenticator.authenticate(key);
    if (!principal) throw new AppError('unauthorized', 'the API key is not valid (unknown or revoked)');
    (res.locals as IngestLocals).principal = principal;
    next();
  };

  const rateLimit: RequestHandler = async (req, res, next) => {
    if (!options.limiter) return next();
    const principal = (res.locals as IngestLocals).principal;
    const subject =
      principal?.kind === 'service'
        ? `key:${principal.key.id}`
        : principal?.kind === 'admin'
          ? 'admin'
          : `ip:${req.ip}`;
    await options.limiter.consume(subject);
    next();
  };

  const enforceService: RequestHandler = (req, res, next) => {
    const principal = (res.locals as IngestLocals).principal;
    if (principal?.kind !== 'service') return next();
    const foreign = [...servicesOf(req.body)].filter((service) => service !== principal.key.service);
    if (foreign.length > 0) {
      throw new AppError(
        'forbidden',
        `this API key may only send logs of service "${principal.key.service}"; the request holds logs of ${foreign
          .map((s) => `"${s}"`)
          .join(', ')}`,
        { service: principal.key.service, refused: foreign },
      );
    }
    next();
  };

  return [authenticate, rateLimit, options.body, enforceService];
}
