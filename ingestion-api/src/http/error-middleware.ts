import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import type { ApiErrorBody } from '@logstream/shared-types';
import { LIMITS } from '@logstream/shared-types';
import { AppError } from '../errors';
import { encodeStatus, otlpStatusOf } from '../formats/otlp-status';

/** body-parser's errors carry a `type`; map the ones a client causes to our codes. */
function fromBodyParser(error: {
  type?: string;
  message?: string;
  code?: string;
  status?: number;
}): AppError | undefined {
  // zlib's errors (Z_DATA_ERROR, Z_BUF_ERROR …) reach us with status 400 and no type: a body that is not what its
  // Content-Encoding claims.
  if (typeof error.code === 'string' && error.code.startsWith('Z_')) {
    return new AppError(
      'invalid_encoding',
      `request body does not match its Content-Encoding: ${error.message ?? error.code}`,
    );
  }
  switch (error.type) {
    case 'request.size.invalid':
    case 'request.aborted':
      return new AppError('invalid_encoding', error.message ?? 'request body is incomplete');
    case 'entity.too.large':
      return new AppError('payload_too_large', `request body is larger than ${LIMITS.maxBodyBytes} bytes`, {
        limitBytes: LIMITS.maxBodyBytes,
      });
    case 'entity.parse.failed':
      return new AppError('invalid_json', `request body is not valid JSON: ${error.message ?? ''}`.trim());
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('unsupported_media_type', error.message ?? 'unsupported encoding');
    default:
      return undefined;
  }
}

/** The client's error, or `internal` (logged, with its stack in development only) for anything unexpected. */
export function toAppError(error: unknown, logger: Logger, development: boolean): AppError {
  const appError = error instanceof AppError ? error : fromBodyParser(error as { type?: string });
  if (appError) return appError;
  logger.error({ err: error }, 'unhandled error');
  const details = development && error instanceof Error ? { stack: error.stack } : undefined;
  return new AppError('internal', 'internal error', details);
}

/** The house error body: `{ error: { code, message, details? } }`. */
export function errorBody(appError: AppError): ApiErrorBody {
  const body: ApiErrorBody = { error: { code: appError.code, message: appError.message } };
  if (appError.details !== undefined) body.error.details = appError.details;
  return body;
}

/** The one place errors become responses: `{ error: { code, message, details? } }`, stacks only in development. */
export function errorMiddleware(logger: Logger, development: boolean): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    const appError = toAppError(error, logger, development);
    res.status(appError.status).set(appError.headers).json(errorBody(appError));
  };
}

/**
 * Errors of the OTLP route, answered as OTLP/HTTP prescribes: a `google.rpc.Status`, protobuf-encoded for a protobuf
 * request, else as JSON (`code`, `message`, beside our usual `error` object). Same statuses and `Retry-After`.
 */
export function otlpErrorMiddleware(logger: Logger, development: boolean): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const appError = toAppError(error, logger, development);
    const status = otlpStatusOf(appError);
    res.status(appError.status).set(appError.headers);
    if (req.is('application/x-protobuf')) {
      res.type('application/x-protobuf').send(encodeStatus(status));
    } else {
      res.json({ ...status, ...errorBody(appError) });
    }
  };
}
