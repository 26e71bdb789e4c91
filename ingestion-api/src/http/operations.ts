import cors from 'cors';
import type { Express } from 'express';
import type { Logger } from 'pino';
import type { Queue } from 'bullmq';
import { accessGuard } from '../auth/access-guard';
import { ingestGuard } from '../auth/ingest-guard';
import type { KeyAuthenticator } from '../auth/key-authenticator';
import { BOARD_PATH, queueBoard } from '../board/queue-board';
import type { ApiMetrics } from '../metrics/api-metrics';
import { httpMetrics } from '../metrics/http-metrics';
import type { IngestRateLimiter } from '../rate-limit/ingest-rate-limiter';
import { ingestBody, otlpBody } from './body-parsers';
import type { Access } from './types';

/** Everything the operational middleware needs, built in main.ts. */
export interface OperationsDeps {
  logger: Logger;
  metrics: ApiMetrics;
  authenticator: KeyAuthenticator;
  limiter?: IngestRateLimiter;
  authRequired: boolean;
  adminKeySet: boolean;
  dashboardOrigin: string;
  queues: { ingest: Queue[]; deadLetter: Queue };
}

/** The dashboard's origin and its twin on the other loopback name (localhost ↔ 127.0.0.1). */
export function allowedOrigins(dashboardOrigin: string): string[] {
  const origin = new URL(dashboardOrigin);
  const origins = [origin.origin];
  const twin = { localhost: '127.0.0.1', '127.0.0.1': 'localhost' }[origin.hostname];
  if (twin) {
    origin.hostname = twin;
    origins.push(origin.origin);
  }
  return origins;
}

/** The guard factory for `createApp({ guard })`: each route's declared access, enforced with the process's keys. */
export function routeGuard(deps: Pick<OperationsDeps, 'authenticator' | 'authRequired' | 'adminKeySet'>) {
  const options = {
    authenticator: deps.authenticator,
    authRequired: deps.authRequired,
    adminKeySet: deps.adminKeySet,
  };
  return (access: Access) => accessGuard(access, options);
}

/**
 * Mounts, before the route table: CORS for the dashboard, request metrics and `GET /metrics` (public), the admin guard in
 * front of the BullMQ board, and the key / rate-limit / service guard in front of `POST /ingest` and `POST /v1/logs`.
 * Pass as `createApp({ before: (app) => mountOperations(app, deps) })`.
 */
export function mountOperations(app: Express, deps: OperationsDeps): void {
  const log = deps.logger.child({ module: 'operations' });
  if (!deps.authRequired) log.warn('AUTH_REQUIRED=false: POST /ingest accepts requests without an API key');
  if (!deps.adminKeySet) {
    if (deps.authRequired)
      log.warn(
        'no ADMIN_KEY: admin routes (/control, /admin/queues, /keys, /dead-letters, /queue/stats …) refuse every request',
      );
    else
      log.warn('no ADMIN_KEY and AUTH_REQUIRED=false: admin routes are open to anyone who can reach the API');
  }

  app.use(
    cors({
      origin: allowedOrigins(deps.dashboardOrigin),
      allowedHeaders: ['Content-Type', 'Authorization', 'X-Api-Key'],
      exposedHeaders: ['Retry-After'],
      maxAge: 600,
    }),
  );
  app.use(httpMetrics(deps.metrics));
  app.get('/metrics', async (_req, res) => {
    res.set('Content-Type', deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });

  app.use(
    BOARD_PATH,
    accessGuard('admin', {
      authenticator: deps.authenticator,
      adminKeySet: deps.adminKeySet,
      authRequired: deps.authRequired,
      basic: true,
    }),
    queueBoard(deps.queues),
  );

  const ingestAuth = {
    authenticator: deps.authenticator,
    authRequired: deps.authRequired,
    limiter: deps.limiter,
  };
  app.post('/ingest', ...ingestGuard({ ...ingestAuth, body: ingestBody }));
  // OTLP/HTTP exporters send the same keys, as a header configured on the exporter.
  app.post('/v1/logs', ...ingestGuard({ ...ingestAuth, body: otlpBody }));
}
