import express, { type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { LIMITS } from '@logstream/shared-types';
import { AppError } from './errors';
import { errorMiddleware, otlpErrorMiddleware } from './http/error-middleware';
import type { Access, Route } from './http/types';
import type { AuthLocals } from './auth/access-guard';

const requireJson: RequestHandler = (req, _res, next) => {
  const json = req.is('application/json');
  // `req.is` answers null for a request without a body, whatever its Content-Type says.
  if (json === null || req.get('content-length') === '0') {
    next(new AppError('invalid_json', 'the request body is empty: send a JSON document'));
    return;
  }
  if (json) {
    next();
    return;
  }
  next(
    new AppError(
      'unsupported_media_type',
      `send Content-Type: application/json (got ${req.get('content-type') ?? 'none'})`,
    ),
  );
};

/** Which proxies' `X-Forwarded-For` is believed (Express's `trust proxy`): a proxy on this host only. */
export const TRUST_PROXY = 'loopback';

/** Builds the Express app from a route table; main.ts wires its dependencies. */
export function createApp(options: {
  routes: Route[];
  logger: Logger;
  development: boolean;
  /** Mounted before the routes (e.g. metrics, the BullMQ board). */
  before?: (app: Express) => void;
  /** The middleware enforcing a route's declared access (see `accessGuard`). */
  guard: (access: Access) => RequestHandler;
}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', TRUST_PROXY);
  app.use(helmet({ contentSecurityPolicy: false }));
  options.before?.(app);
  const jsonBody = express.json({ limit: LIMITS.maxBodyBytes, strict: false, type: 'application/json' });
  for (const route of options.routes) {
    const middleware: RequestHandler[] = [
      options.guard(route.access),
      ...(route.body ?? (route.json ? [requireJson, jsonBody] : [])),
    ];
    app[route.method](route.path, ...middleware, async (req, res) => {
      const result = await route.handler({
        body: req.body,
        params: req.params as Record<string, string>,
        query: req.query as Record<string, unknown>,
        headers: req.headers,
        principal: (res.locals as AuthLocals).principal,
        locals: res.locals,
      });
      res.status(result.status).set(result.headers ?? {});
      if (Buffer.isBuffer(result.body)) res.send(result.body);
      else res.json(result.body);
    });
    if (route.errorFormat === 'otlp') {
      app.use(route.path, otlpErrorMiddleware(options.logger.child({ module: 'http' }), options.development));
    }
  }
  app.use((req, _res, next) => next(new AppError('not_found', `no route ${req.method} ${req.path}`)));
  app.use(errorMiddleware(options.logger.child({ module: 'http' }), options.development));
  return app;
}
