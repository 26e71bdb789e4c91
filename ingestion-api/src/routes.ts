import type { Redis } from 'ioredis';
import { ackListHandler, ackStateHandler } from './handlers/ack';
import { controlHandler, faultStateHandler } from './handlers/control';
import { healthHandler, readyHandler } from './handlers/health';
import { ingestHandler } from './handlers/ingest';
import { otlpLogsHandler } from './handlers/otlp-logs';
import { ingestBody, otlpBody } from './http/body-parsers';
import { listReplaysHandler, triggerReplayHandler } from './handlers/replays';
import { queueStatsHandler, snapshotHandler } from './handlers/stats';
import type { Route } from './http/types';
import type { Announcer } from './realtime/announcer';
import type { FaultService } from './services/fault-service';
import type { IngestService } from './services/ingest-service';
import type { PipelineMonitor } from './services/pipeline-monitor';
import type { ReplayService } from './services/replay-service';

/** Everything the routes need, built in main.ts. */
export interface RouteDeps {
  redis: Redis;
  ingest: IngestService;
  replays: ReplayService;
  faults: FaultService;
  monitor: PipelineMonitor;
  /** Set once the HTTP server (and so socket.io) exists. */
  announcer: () => Announcer | undefined;
}

/** The API's route table (admin guards for /control and POST /replays are mounted in front, see http/operations.ts). */
export function routes(deps: RouteDeps): Route[] {
  return [
    { method: 'post', path: '/ingest', handler: ingestHandler(deps), body: [ingestBody] },
    { method: 'post', path: '/v1/logs', handler: otlpLogsHandler(deps), body: [otlpBody] },
    { method: 'get', path: '/ack', handler: ackListHandler(deps.ingest) },
    { method: 'get', path: '/ack/:stream', handler: ackStateHandler(deps.ingest) },
    { method: 'get', path: '/replays', handler: listReplaysHandler(deps.replays) },
    { method: 'post', path: '/replays', handler: triggerReplayHandler(deps.replays), json: true },
    { method: 'get', path: '/control', handler: faultStateHandler(deps.faults) },
    { method: 'post', path: '/control', handler: controlHandler(deps.faults, deps.announcer), json: true },
    { method: 'get', path: '/queue/stats', handler: queueStatsHandler(deps.monitor) },
    { method: 'get', path: '/stats/snapshot', handler: snapshotHandler(deps.monitor) },
    { method: 'get', path: '/health', handler: healthHandler },
    { method: 'get', path: '/ready', handler: readyHandler(deps.redis) },
  ];
}
