import type { ErrorCode } from '@logstream/shared-types';

const STATUS_BY_CODE: Record<ErrorCode, number> = {
  validation_failed: 400,
  invalid_json: 400,
  invalid_encoding: 400,
  unsupported_media_type: 415,
  payload_too_large: 413,
  too_many_items: 413,
  seq_conflict: 409,
  not_found: 404,
  unauthorized: 401,
  forbidden: 403,
  rate_limited: 429,
  backpressure: 429,
  unavailable: 503,
  faults_disabled: 404,
  internal: 500,
};

/** An error meant for the client: a code, its HTTP status, a message and optional details. */
export class AppError extends Error {
  override name = 'AppError';
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    options?: { cause?: unknown; headers?: Record<string, string> },
  ) {
    super(message, { cause: options?.cause });
    this.status = STATUS_BY_CODE[code];
    this.headers = options?.headers ?? {};
  }

  /** Extra response headers, e.g. `Retry-After`. */
  readonly headers: Record<string, string>;
}
