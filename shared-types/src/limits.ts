/**
 * Explicit ingest limits. They are enforced by the ingestion API and documented in the README; the producer client
 * uses the same numbers to size its batches.
 */
export const LIMITS = {
  /** Largest accepted request body, in bytes (413 above it). */
  maxBodyBytes: 5 * 1024 * 1024,
  /** Most logs in one `POST /ingest` request. */
  maxItemsPerRequest: 1000,
  /** Largest single log, serialized as JSON, in bytes. */
  maxLogBytes: 32 * 1024,
  /** Longest `message`, in characters. */
  maxMessageLength: 8192,
  /** Deepest nesting of `meta` (the top-level object counts as depth 1). */
  maxMetaDepth: 5,
  /** Most keys in `meta`, counted over every nesting level. */
  maxMetaKeys: 100,
  /** Longest `requestId`. */
  maxRequestIdLength: 128,
  /** How far in the future a log's timestamp may be (clock skew allowance), in ms. */
  maxFutureSkewMs: 24 * 60 * 60 * 1000,
} as const;
