import { z } from 'zod';

/** Machine-readable error codes of the HTTP APIs. */
export const ERROR_CODES = [
  'validation_failed',
  'invalid_json',
  'invalid_encoding',
  'unsupported_media_type',
  'payload_too_large',
  'too_many_items',
  'seq_conflict',
  'not_found',
  'unauthorized',
  'forbidden',
  'rate_limited',
  'backpressure',
  'unavailable',
  'faults_disabled',
  'internal',
] as const;
export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** Every 4xx/5xx body: `{ "error": { "code", "message", "details"? } }`. */
export const ApiErrorBody = z.object({
  error: z.object({ code: ErrorCode, message: z.string(), details: z.unknown().optional() }),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;
