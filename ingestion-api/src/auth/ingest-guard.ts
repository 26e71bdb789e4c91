import type { RequestHandler } from 'express';
import { AppError } from '../errors';
import type { IngestRateLimiter } from '../rate-limit/ingest-rate-limiter';
import type { AuthLocals } from './access-guard';
import type { KeyAuthenticator, Principal } from './key-authenticator';
import { servicesOf } from './services-of';

/** What an ingest request's rate limit is counted on: its key, the admin, or (auth off) the client's address. */
export function rateLimitSubject(
  principal: Principal | undefined,
  clientAddress: () => string | undefined,
): string {
  if (principal?.kind === 'service') return `key:${principal.key.id}`;
  if (principal?.kind === 'admin') return 'admin';
  return `ip:${clientAddress()}`;
}

/** Refuses (403) a body holding logs of another service than the service key's. */
export function assertOwnServices(principal: Principal | undefined, body: unknown): void {
  if (principal?.kind !== 'service') return;
  const foreign = [...servicesOf(body)].filter((service) => service !== principal.key.service);
  if (foreign.length > 0) {
    throw new AppError(
      'forbidden',
      `this API key may only send logs of service "${principal.key.service}"; the request holds logs of ${foreign
        .map((s) => `"${s}"`)
        .join(', ')}`,
      { service: principal.key.service, refused: foreign },
    );
  }
}

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
    const principal = await options.authenticator.requirePrincipal(req.headers);
    (res.locals as AuthLocals).principal = principal;
    next();
  };

  const rateLimit: RequestHandler = async (req, res, next) => {
    if (!options.limiter) return next();
    await options.limiter.consume(rateLimitSubject((res.locals as AuthLocals).principal, () => req.ip));
    next();
  };

  const enforceService: RequestHandler = (req, res, next) => {
    assertOwnServices((res.locals as AuthLocals).principal, req.body);
    next();
  };

  return [authenticate, rateLimit, options.body, enforceService];
}
