import { setTimeout as delay } from 'node:timers/promises';
import type { Handler } from '../http/types';
import type { Announcer } from '../realtime/announcer';
import type { FaultService } from '../services/fault-service';
import type { IngestService } from '../services/ingest-service';
import type { PipelineMonitor } from '../services/pipeline-monitor';

/** What `POST /ingest` needs. */
export interface IngestHandlerDeps {
  ingest: IngestService;
  faults: FaultService;
  monitor: PipelineMonitor;
  announcer: () => Announcer | undefined;
}

/** `POST /ingest`: 202 with a receipt; 503 during an injected network failure; 429 under backpressure. */
export function ingestHandler(deps: IngestHandlerDeps): Handler {
  return async (req) => {
    try {
      const extraLatencyMs = await deps.faults.beforeIngest();
      deps.monitor.assertAccepting();
      const receipt = await deps.ingest.ingest(req.body);
      deps.monitor.noteAccepted(receipt.accepted - (receipt.duplicates ?? 0));
      if (receipt.streams) deps.announcer()?.ack(Object.values(receipt.streams));
      if (extraLatencyMs > 0) await delay(extraLatencyMs);
      return { status: 202, body: receipt };
    } catch (error) {
      deps.monitor.noteRefused();
      throw error;
    }
  };
}
