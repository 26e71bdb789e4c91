import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import type { ApiErrorBody } from '@logstream/shared-types';
import { LIMITS } from '@logstream/shared-types';
import { AppError } from '../errors';

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

/** The one place errors become responses: `{ error: { code, message, details? } }`, stacks only in development. */
export function errorMiddleware(logger: Logger, development: boolean): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    const appError = error instanceof AppError ? error : fromBodyParser(error as { type?: string });
    if (appError) {
      const body: ApiErrorBody = { error: { code: appError.code, message: appError.message } };
      if (appError.details !== undefined) body.error.details = appError.details;
      res.status(appError.status).set(appError.headers).json(body);
      return;
    }
    logger.error({ err: error }, 'unhandled error');
    const body: ApiErrorBody = { error: { code: 'internal', message: 'internal error' } };
    if (development && error instanceof Error) body.error.details = { stack: error.stack };
    res.status(500).json(body);
  };
}
