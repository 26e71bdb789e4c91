import protobuf from 'protobufjs';
import type { AppError } from '../errors';

/**
 * `google.rpc.Status`, the body OTLP/HTTP prescribes for every 4xx/5xx answer. The OpenTelemetry generated root does
 * not carry it, so it is declared here through protobufjs's reflection API (`details`, a list of `Any`, is never sent).
 */
const Status = new protobuf.Type('Status')
  .add(new protobuf.Field('code', 1, 'int32'))
  .add(new protobuf.Field('message', 2, 'string'));
new protobuf.Root().define('google.rpc').add(Status);

/** The gRPC status code OTLP clients read from an HTTP status (they retry on UNAVAILABLE and RESOURCE_EXHAUSTED). */
export function grpcCodeOf(httpStatus: number): number {
  switch (httpStatus) {
    case 400:
    case 413:
    case 415:
      return 3; // INVALID_ARGUMENT
    case 401:
      return 16; // UNAUTHENTICATED
    case 403:
      return 7; // PERMISSION_DENIED
    case 404:
      return 5; // NOT_FOUND
    case 409:
      return 6; // ALREADY_EXISTS
    case 429:
      return 8; // RESOURCE_EXHAUSTED
    case 503:
      return 14; // UNAVAILABLE
    default:
      return 13; // INTERNAL
  }
}

/** What an OTLP client is told about an error: our code leads the message so people can look it up. */
export function otlpStatusOf(error: AppError): { code: number; message: string } {
  return { code: grpcCodeOf(error.status), message: `${error.code}: ${error.message}` };
}

/** Encodes a `google.rpc.Status` message. */
export function encodeStatus(status: { code: number; message: string }): Buffer {
  return Buffer.from(Status.encode(Status.fromObject(status)).finish());
}

/** Decodes a `google.rpc.Status` (tests read the API's error answers with it). */
export function decodeStatus(buffer: Uint8Array): { code: number; message: string } {
  const object = Status.toObject(Status.decode(buffer), { defaults: true });
  return { code: Number(object.code), message: String(object.message) };
}
