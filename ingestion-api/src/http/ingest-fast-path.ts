import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';
import proxyAddr from 'proxy-addr';
import getRawBody from 'raw-body';
import type { Logger } from 'pino';
import { LIMITS } from '@logstream/shared-types';
import { AppError } from '../errors';
import type { KeyAuthenticator, Principal } from '../auth/key-authenticator';
import { assertOwnServices, rateLimitSubject } from '../auth/ingest-guard';
import type { ApiMetrics } from '../metrics/api-metrics';
import { countIngestAnswer } from '../metrics/http-metrics';
import type { IngestRateLimiter } from '../rate-limit/ingest-rate-limiter';
import { decodeUtf8, emptyIngestBody } from './body-parsers';
import { errorBody, toAppError } from './error-middleware';
import type { Handler } from './types';

/** What the fast path needs: the `POST /ingest` handler of the route table and the guards' parts. */
export interface IngestFastPathDeps {
  handler: Handler;
  authenticator: KeyAuthenticator;
  authRequired: boolean;
  limiter?: IngestRateLimiter;
  metrics: ApiMetrics;
  logger: Logger;
  development: boolean;
  /** Express's `trust proxy` setting, so the client address a rate limit keys on is the same on both paths. */
  trustProxy: string;
}

/** A request the fast path serves, else `undefined`. */
type Taken = IncomingMessage & { method: 'POST' };

/** The security headers helmet sets on every Express answer, taken once from helmet itself. */
function helmetHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: string) => void (headers[name] = String(value)),
    removeHeader: (name: string) => void delete headers[name],
  };
  helmet({ contentSecurityPolicy: false })({} as never, response as never, () => undefined);
  return headers;
}

/**
 * `POST /ingest` with a plain JSON body, served straight from Node's HTTP server instead of through Express: the
 * request most services send, once per log. It runs the same steps as the Express route (key check, rate limit,
 * body limit and strict UTF-8, JSON, service check, the route's own handler, the same metrics and error bodies) and
 * answers with the same headers, without Express's router, CORS and per-request middleware. Everything else — other
 * routes and methods, NDJSON, compressed bodies, browser requests (with `Origin`, which need CORS) — goes to Express.
 * Returns a request listener that answers `false` for a request it leaves to Express.
 */
export function ingestFastPath(
  deps: IngestFastPathDeps,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const security = helmetHeaders();
  const trust = proxyAddr.compile(deps.trustProxy);
  const logger = deps.logger.child({ module: 'http' });

  const answer = (res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      ...security,
      ...headers,
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
    });
    res.end(text);
  };

  const serve = async (req: Taken, res: ServerResponse): Promise<void> => {
    const stopTimer = deps.metrics.httpDuration.startTimer();
    let status = 500;
    try {
      let principal: Principal | undefined;
      if (deps.authRequired) principal = await deps.authenticator.requirePrincipal(req.headers);
      if (deps.limiter) await deps.limiter.consume(rateLimitSubject(principal, () => proxyAddr(req, trust)));
      const length = req.headers['content-length'];
      const raw = await getRawBody(req, { length, limit: LIMITS.maxBodyBytes });
      if (raw.length === 0) throw emptyIngestBody();
      let body: unknown;
      try {
        body = JSON.parse(decodeUtf8(raw));
      } catch (error) {
        if (error instanceof AppError) throw error;
        throw new AppError('invalid_json', `request body is not valid JSON: ${(error as Error).message}`);
      }
      assertOwnServices(principal, body);
      const result = await deps.handler({
        body,
        params: {},
        query: {},
        headers: req.headers,
        principal,
        locals: {},
      });
      status = result.status;
      countIngestAnswer(deps.metrics, status, result.body);
      answer(res, status, result.body, result.headers);
    } catch (error) {
      // Read what is left of a refused body, so the connection stays usable for the client's next request.
      req.resume();
      const appError = toAppError(error, logger, deps.development);
      const body = errorBody(appError);
      status = appError.status;
      countIngestAnswer(deps.metrics, status, body);
      answer(res, status, body, appError.headers);
    } finally {
      const labels = { method: 'POST', route: '/ingest', status: String(status) };
      deps.metrics.httpRequests.inc(labels);
      stopTimer(labels);
    }
  };

  return (req, res) => {
    if (req.method !== 'POST' || req.url !== '/ingest') return false;
    const type = req.headers['content-type'];
    if (type !== 'application/json' && type !== 'application/json; charset=utf-8') return false;
    const encoding = req.headers['content-encoding'];
    if ((encoding !== undefined && encoding !== 'identity') || req.headers.origin !== undefined) return false;
    void serve(req as Taken, res);
    return true;
  };
}
