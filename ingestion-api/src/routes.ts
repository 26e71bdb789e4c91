import type { Redis } from 'ioredis';
import { ackListHandler, ackStateHandler } from './handlers/ack';
import { healthHandler, readyHandler } from './handlers/health';
import { ingestHandler } from './handlers/ingest';
import { listReplaysHandler, triggerReplayHandler } from './handlers/replays';
import type { Route } from './http/types';
import type { IngestService } from './services/ingest-service';
import type { ReplayService } from './services/replay-service';

/** Everything the routes need, built in main.ts. */
export interface RouteDeps {
  redis: Redis;
  ingest: IngestService;
  replays: ReplayService;
}

/** The API's route table. */
export function routes(deps: RouteDeps): Route[] {
  return [
    { method: 'post', path: '/ingest', handler: ingestHandler(deps.ingest), json: true },
    { method: 'get', path: '/ack', handler: ackListHandler(deps.ingest) },
    { method: 'get', path: '/ack/:stream', handler: ackStateHandler(deps.ingest) },
    { method: 'get', path: '/replays', handler: listReplaysHandler(deps.replays) },
    { method: 'post', path: '/replays', handler: triggerReplayHandler(deps.replays), json: true },
    { method: 'get', path: '/health', handler: healthHandler },
    { method: 'get', path: '/ready', handler: readyHandler(deps.redis) },
  ];
}
