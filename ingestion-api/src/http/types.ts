import type { IncomingHttpHeaders } from 'node:http';
import type { RequestHandler } from 'express';
import type { Principal } from '../auth/key-authenticator';

/** What a handler sees of a request. */
export interface HandlerRequest {
  body: unknown;
  params: Record<string, string>;
  query: Record<string, unknown>;
  headers: IncomingHttpHeaders;
  /** Who is asking; undefined when the route is open (public, or AUTH_REQUIRED=false). */
  principal?: Principal;
  /** What middleware in front left for the handler (e.g. `BodyLocals` of http/body-parsers.ts). */
  locals: Record<string, unknown>;
}

/** What a handler answers; the adapter writes it as JSON. */
export interface HandlerResponse {
  status: number;
  /** Written as JSON, or as is when it is a Buffer (set `Content-Type` in `headers` then). */
  body: unknown;
  headers?: Record<string, string>;
}

/** A route handler: parse → call a service → `{ status, body }`. Throws `AppError` for client errors. */
export type Handler = (req: HandlerRequest) => Promise<HandlerResponse>;

/** Who may call a route; enforced by `accessGuard` in front of it. */
export type Access = 'public' | 'key' | 'admin';

/** One line of the route table. */
export interface Route {
  method: 'get' | 'post' | 'delete';
  path: string;
  handler: Handler;
  /** Who may call it: anyone, any valid API key (service keys see only their services), or the admin key. */
  access: Access;
  /** Only `application/json` bodies (415 otherwise). */
  json?: boolean;
  /** Own body parsing instead of `json` (ingest formats). */
  body?: RequestHandler[];
  /** `otlp`: errors answered as OTLP's `google.rpc.Status` instead of `{ error }` alone. */
  errorFormat?: 'otlp';
}
