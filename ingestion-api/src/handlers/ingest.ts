import { setTimeout as delay } from 'node:timers/promises';
import type { ItemRejection } from '@logstream/shared-types';
import { AppError } from '../errors';
import type { BodyLocals } from '../http/body-parsers';
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

/** Gives NDJSON rejections their line number, and the JSON parse error for lines that were not JSON. */
export function withLines(rejected: ItemRejection[], ndjson: BodyLocals['ndjson']): ItemRejection[] {
  if (!ndjson) return rejected;
  return rejected.map((rejection) => {
    const parseError = ndjson.parseErrors.get(rejection.index);
    return {
      ...rejection,
      line: ndjson.lines[rejection.index],
      ...(parseError !== undefined && { errors: [{ field: '(line)', message: parseError }] }),
    };
  });
}

/** Runs the ingest of already parsed items; an all-invalid NDJSON body keeps its line numbers in the 400. */
async function ingestItems(deps: IngestHandlerDeps, body: unknown, ndjson: BodyLocals['ndjson']) {
  try {
    const receipt = await deps.ingest.ingest(body);
    return { ...receipt, rejected: withLines(receipt.rejected, ndjson) };
  } catch (error) {
    const details = error instanceof AppError ? (error.details as { rejected?: ItemRejection[] }) : undefined;
    if (ndjson && error instanceof AppError && details?.rejected) {
      throw new AppError(error.code, error.message, { rejected: withLines(details.rejected, ndjson) });
    }
    throw error;
  }
}

/**
 * `POST /ingest` (JSON or NDJSON): 202 with a receipt; 503 during an injected network failure; 429 under
 * backpressure.
 */
export function ingestHandler(deps: IngestHandlerDeps): Handler {
  return async (req) => {
    try {
      const extraLatencyMs = await deps.faults.beforeIngest();
      deps.monitor.assertAccepting();
      const receipt = await ingestItems(deps, req.body, (req.locals as BodyLocals).ndjson);
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
