import type { Request, RequestHandler } from 'express';
import type { ApiMetrics } from './api-metrics';

/** A bounded route label: the matched route's path, the board as one route, or `unmatched`. */
function routeLabel(req: Request): string {
  if (req.originalUrl.startsWith('/admin/queues')) return '/admin/queues';
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? path : 'unmatched';
}

type ErrorBody = { error?: { code?: unknown; details?: { rejected?: unknown } } };
type ReceiptBody = { accepted?: unknown; rejected?: unknown };

/** Counts the logs an answer of `POST /ingest` accepted or rejected, or the reason it refused the request. */
export function countIngestAnswer(metrics: ApiMetrics, status: number, body: unknown): void {
  if (status < 400) {
    const receipt = body as ReceiptBody;
    if (typeof receipt.accepted === 'number') metrics.logsAccepted.inc(receipt.accepted);
    if (Array.isArray(receipt.rejected)) metrics.logsRejected.inc(receipt.rejected.length);
    return;
  }
  const error = (body as ErrorBody).error;
  metrics.ingestRefused.inc({ reason: typeof error?.code === 'string' ? error.code : 'unknown' });
  if (Array.isArray(error?.details?.rejected)) metrics.logsRejected.inc(error.details.rejected.length);
}

/**
 * Times every request and counts it by route and status; for `POST /ingest` it also reads the JSON answer to count
 * accepted and rejected logs and the reason of refused requests, whichever module produced the answer.
 */
export function httpMetrics(metrics: ApiMetrics): RequestHandler {
  return (req, res, next) => {
    const stopTimer = metrics.httpDuration.startTimer();
    const isIngest = req.method === 'POST' && req.path === '/ingest';
    if (isIngest) {
      const json = res.json.bind(res);
      res.json = (body: unknown) => {
        countIngestAnswer(metrics, res.statusCode, body);
        return json(body);
      };
    }
    res.once('finish', () => {
      const labels = { method: req.method, route: routeLabel(req), status: String(res.statusCode) };
      metrics.httpRequests.inc(labels);
      stopTimer(labels);
    });
    next();
  };
}
