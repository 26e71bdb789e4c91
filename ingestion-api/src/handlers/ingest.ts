import type { Handler } from '../http/types';
import type { IngestService } from '../services/ingest-service';

/** `POST /ingest`: 202 with a receipt. */
export function ingestHandler(service: IngestService): Handler {
  return async (req) => ({ status: 202, body: await service.ingest(req.body) });
}
