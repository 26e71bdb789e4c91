import { createHash } from 'node:crypto';
import type { LogInput } from '@logstream/shared-types';

/**
 * A short fingerprint of a log's content as its producer sent it: what tells a retry (same content, stored once) from
 * a seq reused for another log (never dropped). The receipt time a log without a timestamp gets is not part of it, so
 * a retry of such a log matches its first copy.
 */
export function fingerprintLog(log: LogInput): string {
  const content = [
    log.level,
    log.message,
    log.timestamp?.getTime() ?? null,
    log.requestId ?? null,
    log.traceId ?? null,
    log.spanId ?? null,
    log.meta ?? null,
  ];
  return createHash('sha256').update(JSON.stringify(content)).digest('base64url').slice(0, 16);
}
