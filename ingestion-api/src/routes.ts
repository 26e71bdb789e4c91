import type { RedisClient } from '@logstream/runtime';
import { ackListHandler, ackStateHandler } from './handlers/ack';
import { controlHandler, faultStateHandler } from './handlers/control';
import { healthHandler, readyHandler } from './handlers/health';
import { ingestHandler } from './handlers/ingest';
import { otlpLogsHandler } from './handlers/otlp-logs';
import { ingestBody, otlpBody } from './http/body-parsers';
import { listReplaysHandler, triggerReplayHandler } from './handlers/replays';
import { queueHistoryHandler, queueStatsHandler, snapshotHandler } from './handlers/stats';
import type { Route } from './http/types';
import type { Announcer } from './realtime/announcer';
import type { FaultService } from './services/fault-service';
import type { IngestService } from './services/ingest-service';
import type { MetricsHistory } from './services/metrics-history';
import type { PipelineMonitor } from './services/pipeline-monitor';
import type { ReplayService } from './services/replay-service';

/** Everything the routes need, built in main.ts. */
export interface RouteDeps {
  redis: RedisClient;
  ingest: IngestService;
  replays: ReplayService;
  faults: FaultService;
  monitor: PipelineMonitor;
  history: MetricsHistory;
  /** Set once the HTTP server (and so socket.io) exists. */
  announcer: () => Announcer | undefined;
}

/**
 * The API's route table. `access` says who may call each route (enforced by `accessGuard`): `public` answers anyone,
 * `key` needs any valid API key when AUTH_REQUIRED (service keys see only their services), `admin` the admin key.
 */
export function routes(deps: RouteDeps): Route[] {
  return [
    { method: 'post', path: '/ingest', handler: ingestHandler(deps), access: 'key', body: [ingestBody] },
    {
      method: 'post',
      path: '/v1/logs',
      handler: otlpLogsHandler(deps),
      access: 'key',
      body: [otlpBody],
      errorFormat: 'otlp',
    },
    { method: 'get', path: '/ack', handler: ackListHandler(deps.ingest), access: 'key' },
    { method: 'get', path: '/ack/:stream', handler: ackStateHandler(deps.ingest), access: 'key' },
    { method: 'get', path: '/replays', handler: listReplaysHandler(deps.replays), access: 'key' },
    {
      method: 'post',
      path: '/replays',
      handler: triggerReplayHandler(deps.replays),
      access: 'admin',
      json: true,
    },
    { method: 'get', path: '/control', handler: faultStateHandler(deps.faults), access: 'admin' },
    {
      method: 'post',
      path: '/control',
      handler: controlHandler(deps.faults, deps.announcer),
      access: 'admin',
      json: true,
    },
    { method: 'get', path: '/queue/stats', handler: queueStatsHandler(deps.monitor), access: 'admin' },
    { method: 'get', path: '/queue/history', handler: queueHistoryHandler(deps.history), access: 'admin' },
    { method: 'get', path: '/stats/snapshot', handler: snapshotHandler(deps.monitor), access: 'admin' },
    { method: 'get', path: '/health', handler: healthHandler, access: 'public' },
    { method: 'get', path: '/ready', handler: readyHandler(deps.redis), access: 'public' },
  ];
}

/** The `POST /ingest` line of a route table (served by the fast path too, see http/ingest-fast-path.ts). */
export function ingestRouteOf(table: Route[]): Route {
  const route = table.find((entry) => entry.method === 'post' && entry.path === '/ingest');
  if (!route) throw new Error('the route table has no POST /ingest');
  return route;
}
