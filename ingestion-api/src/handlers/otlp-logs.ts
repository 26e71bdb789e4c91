import { AppError } from '../errors';
import { encodeLogsResponse } from '../formats/otlp-protobuf';
import type { BodyLocals } from '../http/body-parsers';
import type { Handler, HandlerResponse } from '../http/types';
import type { IngestHandlerDeps } from './ingest';

/** A partial success names the count and the first problems, as OTLP's `errorMessage` is meant for people. */
function summary(rejected: { index: number; errors: { field: string; message: string }[] }[]): string {
  const first = rejected
    .slice(0, 3)
    .map((r) => `record ${r.index}: ${r.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
  return `${rejected.length} log record(s) rejected; ${first.join(' | ')}${rejected.length > 3 ? ' …' : ''}`;
}

function answer(
  protobuf: boolean,
  partial?: { rejectedLogRecords: number; errorMessage: string },
): HandlerResponse {
  if (protobuf) {
    return {
      status: 200,
      body: encodeLogsResponse(partial),
      headers: { 'Content-Type': 'application/x-protobuf' },
    };
  }
  return { status: 200, body: partial ? { partialSuccess: partial } : {} };
}

/**
 * `POST /v1/logs` (OTLP/HTTP, JSON or protobuf): the records, already mapped to LogStream items by the body parser,
 * go through the same validation and `IngestService.ingest` as `POST /ingest`. Answers 200 with an
 * `ExportLogsServiceResponse`, a partial success when some records were refused; 400 when none is valid.
 */
export function otlpLogsHandler(deps: IngestHandlerDeps): Handler {
  return async (req) => {
    const protobuf = (req.locals as BodyLocals).otlp?.protobuf ?? false;
    const items = Array.isArray(req.body) ? req.body : [];
    if (items.length === 0) return answer(protobuf);
    try {
      const extraLatencyMs = await deps.faults.beforeIngest();
      deps.monitor.assertAccepting();
      const receipt = await deps.ingest.ingest(items);
      deps.monitor.noteAccepted(receipt.accepted);
      if (extraLatencyMs > 0) await new Promise((resolve) => setTimeout(resolve, extraLatencyMs));
      if (receipt.rejected.length === 0) return answer(protobuf);
      return answer(protobuf, {
        rejectedLogRecords: receipt.rejected.length,
        errorMessage: summary(receipt.rejected),
      });
    } catch (error) {
      deps.monitor.noteRefused();
      if (error instanceof AppError && error.code === 'validation_failed') {
        const rejected = (error.details as { rejected?: Parameters<typeof summary>[0] } | undefined)
          ?.rejected;
        if (rejected) throw new AppError('validation_failed', summary(rejected), { rejected });
      }
      throw error;
    }
  };
}
