import { LIMITS, LogInput, type LogInputRaw, type LogLevel } from '@logstream/shared-types';

/** Optional parts of one log. `timestamp` defaults to the time `log()` is called. */
export type LogFields = Partial<Pick<LogInputRaw, 'requestId' | 'meta'>> & {
  timestamp?: Date | string | number;
};

/** A log the API would refuse; thrown by `log()` so that a bad call fails where it is made. */
export class InvalidLogError extends TypeError {
  override name = 'InvalidLogError';
}

/**
 * Validates one log against the API's own schema and limits, and serializes it once (without `seq`, which the
 * producer adds per request). The timestamp is fixed here, so a log resent later keeps the time it happened.
 */
export function serializeLog(
  stream: { service: string; instance?: string | undefined },
  level: LogLevel | string,
  message: string,
  fields: LogFields = {},
  now: () => Date = () => new Date(),
): string {
  const raw = fields.timestamp ?? now();
  const timestamp = raw instanceof Date ? raw.toISOString() : raw;
  const item: Omit<LogInputRaw, 'service' | 'instance' | 'seq'> = { level, message, timestamp };
  if (fields.requestId !== undefined) item.requestId = fields.requestId;
  if (fields.meta !== undefined) item.meta = fields.meta;
  const checked = LogInput.safeParse({ ...item, service: stream.service, instance: stream.instance, seq: 1 });
  if (!checked.success) {
    const problems = checked.error.issues.map(
      (issue) => `${issue.path.join('.') || 'log'}: ${issue.message}`,
    );
    throw new InvalidLogError(`invalid log: ${problems.join('; ')}`);
  }
  const json = JSON.stringify(item);
  if (Buffer.byteLength(json) + 64 > LIMITS.maxLogBytes) {
    throw new InvalidLogError(`invalid log: larger than ${LIMITS.maxLogBytes} bytes once serialized`);
  }
  return json;
}
