import express, { type Request, type RequestHandler, type Response } from 'express';
import { LIMITS } from '@logstream/shared-types';
import { AppError } from '../errors';
import { parseNdjson, type NdjsonItems } from '../formats/ndjson';
import { otlpToItems, type OtlpLogsRequest } from '../formats/otlp-logs';
import { decodeLogsRequest } from '../formats/otlp-protobuf';

/** What the body parsers leave in `res.locals` for the handlers. */
export interface BodyLocals {
  /** Set once a parser read the body, so the guard's parser and the route's do not both run. */
  bodyRead?: boolean;
  /** NDJSON bodies: line numbers and parse errors of the items. */
  ndjson?: Omit<NdjsonItems, 'items'>;
  /** OTLP bodies: whether the client spoke protobuf (the answer is then protobuf too). */
  otlp?: { protobuf: boolean };
}

const NDJSON_TYPES = [
  'application/x-ndjson',
  'application/ndjson',
  'application/jsonl',
  'application/json-seq',
];
const PROTOBUF_TYPE = 'application/x-protobuf';
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Decodes a body as strict UTF-8; invalid bytes are a 400, never replaced silently. */
export function decodeUtf8(buffer: Buffer): string {
  try {
    return utf8.decode(buffer);
  } catch {
    throw new AppError('invalid_encoding', 'request body is not valid UTF-8');
  }
}

// Every parser inflates gzip/deflate itself and counts the limit on the inflated bytes, so a small compressed body
// that expands past LIMITS.maxBodyBytes is cut off (413) as soon as it gets there, before it is held in memory.
const common = { limit: LIMITS.maxBodyBytes, inflate: true } as const;
const readJson = express.json({
  ...common,
  strict: false,
  type: 'application/json',
  verify: (_req, _res, buffer) => void decodeUtf8(buffer),
});
const readRaw = express.raw({ ...common, type: [...NDJSON_TYPES, PROTOBUF_TYPE] });

function locals(res: Response): BodyLocals {
  return res.locals as BodyLocals;
}

function unsupported(req: Request, accepted: string[]): AppError {
  return new AppError(
    'unsupported_media_type',
    `send Content-Type ${accepted.join(' or ')} (got ${req.get('content-type') ?? 'none'})`,
    { accepted },
  );
}

/** The 400 of an ingest request without a body. */
export function emptyIngestBody(): AppError {
  return new AppError('invalid_json', 'the request body is empty: send a JSON document or NDJSON lines');
}

/** Runs an Express body parser as a promise (so that the parsers compose inside one middleware). */
function run(parser: RequestHandler, req: Request, res: Response): Promise<void> {
  return new Promise((resolve, reject) => {
    void parser(req, res, (error?: unknown) => (error ? reject(error as Error) : resolve()));
  });
}

/**
 * Body of `POST /ingest`: `application/json` (a log, an array, or `{ service, logs }`) or NDJSON (one log per line;
 * `req.body` becomes the array of lines, their numbers kept in `res.locals.ndjson`).
 */
export const ingestBody: RequestHandler = async (req, res, next) => {
  if (locals(res).bodyRead) return next();
  if (req.get('content-length') === '0') {
    throw emptyIngestBody();
  }
  if (req.is('application/json')) {
    await run(readJson, req, res);
  } else if (req.is(NDJSON_TYPES)) {
    await run(readRaw, req, res);
    const { items, ...rest } = parseNdjson(
      decodeUtf8(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)),
    );
    req.body = items;
    locals(res).ndjson = rest;
  } else {
    throw unsupported(req, ['application/json', 'application/x-ndjson']);
  }
  locals(res).bodyRead = true;
  next();
};

/**
 * Body of `POST /v1/logs`: an OTLP `ExportLogsServiceRequest` as `application/json` or `application/x-protobuf`.
 * `req.body` becomes the LogStream items it maps to (see formats/otlp-logs.ts).
 */
export const otlpBody: RequestHandler = async (req, res, next) => {
  if (locals(res).bodyRead) return next();
  let request: OtlpLogsRequest;
  if (req.is('application/json')) {
    await run(readJson, req, res);
    if (req.body === null || typeof req.body !== 'object' || Array.isArray(req.body)) {
      throw new AppError('validation_failed', 'body must be an OTLP ExportLogsServiceRequest object');
    }
    request = req.body as OtlpLogsRequest;
    locals(res).otlp = { protobuf: false };
  } else if (req.is(PROTOBUF_TYPE)) {
    await run(readRaw, req, res);
    request = decodeLogsRequest(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
    locals(res).otlp = { protobuf: true };
  } else {
    throw unsupported(req, ['application/json', PROTOBUF_TYPE]);
  }
  try {
    req.body = otlpToItems(request);
  } catch (error) {
    throw new AppError('validation_failed', 'body is not a valid OTLP ExportLogsServiceRequest', undefined, {
      cause: error,
    });
  }
  locals(res).bodyRead = true;
  next();
};
