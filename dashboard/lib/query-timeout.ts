import type { MongooseQueryMiddleware, Query, Schema } from 'mongoose';

/** Digest of the error a page shows when MongoDB stopped a query at its time limit (see app/error.tsx). */
export const QUERY_TIMEOUT_DIGEST = 'logstream-query-timeout';

/** A query stopped by `maxTimeMS`; its digest survives Next's production error redaction. */
export class QueryTimeoutError extends Error {
  override name = 'QueryTimeoutError';
  readonly digest = QUERY_TIMEOUT_DIGEST;
  constructor(limitMs: number, options?: { cause?: unknown }) {
    super(`the database query took longer than ${limitMs} ms and was stopped`, options);
  }
}

/** Whether `error` is MongoDB's MaxTimeMSExpired (code 50). */
export function isMaxTimeExpired(error: unknown): boolean {
  const e = error as { code?: unknown; codeName?: unknown } | null;
  return e?.code === 50 || e?.codeName === 'MaxTimeMSExpired';
}

// The reads pages make. `distinct` is left out: FerretDB refuses a maxTimeMS field on it (MONGO-COMPAT.md), and the
// dashboard's one distinct reads the small rollup service list.
const QUERY_OPS: MongooseQueryMiddleware[] = ['find', 'findOne', 'countDocuments'];

/**
 * A mongoose plugin giving every query and aggregation of a connection a server-side time limit (`maxTimeMS`)
 * unless the call set its own, and turning the server's time-limit error into {@link QueryTimeoutError}.
 * Apply with `connection.plugin(...)` before the connection's models are created.
 */
export function maxTimePlugin(limitMs: number) {
  return (schema: Schema) => {
    schema.pre(QUERY_OPS, function (this: Query<unknown, unknown>) {
      if (this.getOptions().maxTimeMS === undefined) this.maxTimeMS(limitMs);
    });
    schema.pre('aggregate', function () {
      const options = this.options as { maxTimeMS?: number };
      options.maxTimeMS ??= limitMs;
    });
    const translate = (error: unknown, _result: unknown, next: (error?: Error) => void) => {
      next(isMaxTimeExpired(error) ? new QueryTimeoutError(limitMs, { cause: error }) : (error as Error));
    };
    schema.post(QUERY_OPS, translate as never);
    schema.post('aggregate', translate as never);
  };
}
