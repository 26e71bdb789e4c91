export { createProducer, Producer } from './producer';
export {
  ProducerOptions,
  ChaosOptions,
  type ProducerOptionsInput,
  type ProducerConfig,
  type CloseOptions,
  type CloseResult,
} from './options';
export { InvalidLogError, type LogFields } from './log-entry';
export { ApiError } from './http-client';
export { emptyStats, type ProducerStats } from './stats';
export { backoffDelay, parseRetryAfter, retryDelay, type BackoffPolicy } from './backoff';
export { normalizeRanges, type SeqRange } from '@logstream/shared-types';
export { readSpool, stateFileOf, type SpoolState } from './spool';
