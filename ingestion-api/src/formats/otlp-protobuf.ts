import { AppError } from '../errors';
import type { OtlpLogsRequest } from './otlp-logs';

/** The protobufjs message classes we use, from OpenTelemetry's generated OTLP root. */
interface MessageType {
  decode(buffer: Uint8Array): unknown;
  toObject(message: unknown, options: Record<string, unknown>): Record<string, unknown>;
  fromObject(object: Record<string, unknown>): unknown;
  encode(message: unknown): { finish(): Uint8Array };
}
interface LogsCollector {
  ExportLogsServiceRequest: MessageType;
  ExportLogsServiceResponse: MessageType;
}

// The generated protobufjs module of @opentelemetry/otlp-transformer (OTLP's .proto files compiled by the
// OpenTelemetry project). Its typings declare only a generic Root, hence the narrow interface above.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const root = require('@opentelemetry/otlp-transformer/build/src/generated/root') as {
  opentelemetry: { proto: { collector: { logs: { v1: LogsCollector } } } };
};
const collector = root.opentelemetry.proto.collector.logs.v1;

function base64ToHex(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0
    ? Buffer.from(value, 'base64').toString('hex')
    : undefined;
}

/**
 * Decodes a binary `ExportLogsServiceRequest` into the JSON shape (`traceId`/`spanId` as hex, 64-bit numbers as
 * strings, bytes as base64). Throws `invalid_encoding` (400) for bytes that are not such a message.
 */
export function decodeLogsRequest(buffer: Uint8Array): OtlpLogsRequest {
  let object: Record<string, unknown>;
  try {
    const message = collector.ExportLogsServiceRequest.decode(buffer);
    object = collector.ExportLogsServiceRequest.toObject(message, {
      longs: String,
      bytes: String,
      enums: Number,
      defaults: false,
    });
  } catch (error) {
    throw new AppError(
      'invalid_encoding',
      `body is not a protobuf ExportLogsServiceRequest: ${(error as Error).message}`,
      undefined,
      { cause: error },
    );
  }
  const request = object as OtlpLogsRequest;
  for (const resourceLogs of request.resourceLogs ?? []) {
    for (const scopeLogs of resourceLogs.scopeLogs ?? []) {
      for (const record of scopeLogs.logRecords ?? []) {
        record.traceId = base64ToHex(record.traceId);
        record.spanId = base64ToHex(record.spanId);
      }
    }
  }
  return request;
}

/** Encodes an `ExportLogsServiceResponse` (a partial success when something was rejected). */
export function encodeLogsResponse(partial?: { rejectedLogRecords: number; errorMessage: string }): Buffer {
  const message = collector.ExportLogsServiceResponse.fromObject(partial ? { partialSuccess: partial } : {});
  return Buffer.from(collector.ExportLogsServiceResponse.encode(message).finish());
}

/** Decodes an `ExportLogsServiceResponse` (tests read the API's answers with it). */
export function decodeLogsResponse(buffer: Uint8Array): Record<string, unknown> {
  const message = collector.ExportLogsServiceResponse.decode(buffer);
  return collector.ExportLogsServiceResponse.toObject(message, { longs: Number, defaults: false });
}
