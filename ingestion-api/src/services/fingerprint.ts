import { hash } from 'node:crypto';
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
  // One-shot hashing (no Hash object per log); the same digest as before, so stored fingerprints still match.
  return hash('sha256', JSON.stringify(content), 'base64url').slice(0, 16);
}
