import type { IncomingHttpHeaders } from 'node:http';

/** What a handler sees of a request. */
export interface HandlerRequest {
  body: unknown;
  params: Record<string, string>;
  query: Record<string, unknown>;
  headers: IncomingHttpHeaders;
}

/** What a handler answers; the adapter writes it as JSON. */
export interface HandlerResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** A route handler: parse → call a service → `{ status, body }`. Throws `AppError` for client errors. */
export type Handler = (req: HandlerRequest) => Promise<HandlerResponse>;

/** One line of the route table. */
export interface Route {
  method: 'get' | 'post' | 'delete';
  path: string;
  handler: Handler;
  /** Only `application/json` bodies (415 otherwise). */
  json?: boolean;
}
