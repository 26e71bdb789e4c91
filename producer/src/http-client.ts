import { AckState, IngestReceipt } from '@logstream/shared-types';
import { parseRetryAfter } from './backoff';

/** How one HTTP exchange with the API ended, classified for the producer's retry logic. */
export type HttpOutcome<T> =
  | { kind: 'ok'; value: T }
  /** Worth retrying: network error, timeout, 408, 429, 5xx, 401/403 (a key may be provisioned later). */
  | { kind: 'retry'; error: Error; status?: number; retryAfterMs?: number }
  /** Will never succeed as sent (400, 413, 404 …). */
  | { kind: 'fatal'; error: Error; status: number; body?: unknown };

/** An API failure with its HTTP status and the `{error:{code,message}}` body when there was one. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
  ) {
    super(message);
  }
}

function headers(apiKey: string | undefined, json: boolean): Record<string, string> {
  const result: Record<string, string> = { accept: 'application/json' };
  if (json) result['content-type'] = 'application/json';
  if (apiKey) result['x-api-key'] = apiKey;
  return result;
}

async function exchange<T>(
  url: string,
  init: RequestInit,
  timeoutMs: number,
  parse: (body: unknown) => T,
): Promise<HttpOutcome<T>> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const cause = error instanceof Error ? error : new Error(String(error));
    const reason =
      cause.name === 'TimeoutError'
        ? `timed out after ${timeoutMs} ms`
        : ((cause.cause as Error)?.message ?? cause.message);
    return { kind: 'retry', error: new Error(`${init.method} ${url}: ${reason}`, { cause }) };
  }
  const text = await response.text().catch(() => '');
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  if (response.ok) {
    try {
      return { kind: 'ok', value: parse(body) };
    } catch (error) {
      return {
        kind: 'fatal',
        status: response.status,
        body,
        error: new Error(`unexpected answer from ${url}: ${String(error)}`),
      };
    }
  }
  const apiError = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
  const error = new ApiError(
    `${init.method} ${url} answered ${response.status}${apiError?.message ? `: ${apiError.message}` : ''}`,
    response.status,
    apiError?.code,
  );
  const retryable = [401, 403, 408, 425, 429].includes(response.status) || response.status >= 500;
  if (!retryable) return { kind: 'fatal', status: response.status, error, body };
  return {
    kind: 'retry',
    status: response.status,
    error,
    retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
  };
}

/** `POST {base}/ingest` with an already serialized body. */
export function postIngest(
  base: string,
  body: string,
  apiKey: string | undefined,
  timeoutMs: number,
): Promise<HttpOutcome<IngestReceipt>> {
  return exchange(
    `${base.replace(/\/$/, '')}/ingest`,
    { method: 'POST', headers: headers(apiKey, true), body },
    timeoutMs,
    (raw) => IngestReceipt.parse(raw),
  );
}

/** `GET {base}/ack/{stream}`. */
export function getAck(
  base: string,
  stream: string,
  session: string | undefined,
  apiKey: string | undefined,
  timeoutMs: number,
): Promise<HttpOutcome<AckState>> {
  const query = session ? `?session=${encodeURIComponent(session)}` : '';
  return exchange(
    `${base.replace(/\/$/, '')}/ack/${encodeURIComponent(stream)}${query}`,
    { method: 'GET', headers: headers(apiKey, false) },
    timeoutMs,
    (raw) => AckState.parse(raw),
  );
}

/**
 * What a producer does with a failed `POST /ingest`: `split` a batch the API found too large, `reject` logs of a
 * request refused as malformed (they can never be stored), or `retry` later (everything else, including 404 and
 * 401/403, since dropping logs on a misconfiguration would lose them).
 */
export function failureAction(
  outcome: Exclude<HttpOutcome<unknown>, { kind: 'ok' }>,
  batchLength: number,
): 'split' | 'reject' | 'retry' {
  if (outcome.kind === 'retry') return 'retry';
  if (outcome.status === 413 && batchLength > 1) return 'split';
  if ([400, 409, 413, 422].includes(outcome.status)) return 'reject';
  return 'retry';
}

/** The two API calls a producer makes, bound to one base URL, key and timeout. */
export class ApiClient {
  constructor(
    private readonly base: string,
    private readonly apiKey: string | undefined,
    private readonly timeoutMs: number,
  ) {}

  /** `POST /ingest` with a serialized body. */
  ingest(body: string): Promise<HttpOutcome<IngestReceipt>> {
    return postIngest(this.base, body, this.apiKey, this.timeoutMs);
  }

  /** `GET /ack/:stream?session=`. */
  ack(stream: string, session: string | undefined): Promise<HttpOutcome<AckState>> {
    return getAck(this.base, stream, session, this.apiKey, this.timeoutMs);
  }
}
