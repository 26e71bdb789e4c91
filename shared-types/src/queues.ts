/** BullMQ queue names shared by the API (producer side) and the worker (consumer side). */
export const QUEUE_NAMES = {
  /** One job per accepted `POST /ingest` request. */
  ingest: 'logs-ingest',
  /** One job per ingest job that failed its last attempt: shown on the board, retried from the API. */
  deadLetter: 'logs-dead-letter',
} as const;

/** Default BullMQ key prefix; tests use their own so that runs never meet. */
export const DEFAULT_QUEUE_PREFIX = 'logstream';
