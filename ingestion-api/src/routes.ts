import type { Redis } from 'ioredis';
import { healthHandler, readyHandler } from './handlers/health';
import { ingestHandler } from './handlers/ingest';
import type { Route } from './http/types';
import type { IngestService } from './services/ingest-service';

/** Everything the routes need, built in main.ts. */
export interface RouteDeps {
  redis: Redis;
  ingest: IngestService;
}

/** The API's route table. */
export function routes(deps: RouteDeps): Route[] {
  return [
    { method: 'post', path: '/ingest', handler: ingestHandler(deps.ingest), json: true },
    { method: 'get', path: '/health', handler: healthHandler },
    { method: 'get', path: '/ready', handler: readyHandler(deps.redis) },
  ];
}
