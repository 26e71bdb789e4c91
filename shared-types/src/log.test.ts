import { LIMITS } from './limits';
import { normalizeLevel } from './level';
import { deriveLogId, LogInput, streamOf } from './log';

describe('LogInput', () => {
  const base = { service: 'auth', level: 'info', message: 'user logged in' };

  it('accepts a minimal log and leaves timestamp to the receiver', () => {
    const parsed = LogInput.parse(base);
    expect(parsed).toEqual({ service: 'auth', level: 'info', message: 'user logged in' });
  });

  it.each([
    ['WARN', 'warn'],
    ['warning', 'warn'],
    ['Err', 'error'],
    ['CRITICAL', 'fatal'],
    ['trace', 'trace'],
  ])('normalizes level %s to %s', (raw, expected) => {
    expect(LogInput.parse({ ...base, level: raw }).level).toBe(expected);
  });

  it('refuses an unknown level and names the allowed ones', () => {
    const result = LogInput.safeParse({ ...base, level: 'loud' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['level']);
    expect(result.error?.issues[0]?.message).toContain('trace, debug, info, warn, error, fatal');
  });

  it('takes ISO 8601 and epoch milliseconds as the same instant', () => {
    const iso = LogInput.parse({ ...base, timestamp: '2026-11-22T10:32:00.000Z' });
    const epoch = LogInput.parse({ ...base, timestamp: Date.parse('2026-11-22T10:32:00.000Z') });
    expect(iso.timestamp?.getTime()).toBe(epoch.timestamp?.getTime());
  });

  it('refuses a timestamp without a zone, and one far in the future', () => {
    expect(LogInput.safeParse({ ...base, timestamp: '2026-11-22 10:32' }).success).toBe(false);
    const future = Date.now() + LIMITS.maxFutureSkewMs + 60_000;
    const result = LogInput.safeParse({ ...base, timestamp: future });
    expect(result.error?.issues[0]?.message).toMatch(/future/);
  });

  it('refuses non-slug services, zero or fractional seq, and unknown fields', () => {
    expect(LogInput.safeParse({ ...base, service: 'Auth Service' }).success).toBe(false);
    expect(LogInput.safeParse({ ...base, seq: 0 }).success).toBe(false);
    expect(LogInput.safeParse({ ...base, seq: 1.5 }).success).toBe(false);
    const typo = LogInput.safeParse({ ...base, msg: 'x' });
    expect(typo.error?.issues[0]?.code).toBe('unrecognized_keys');
  });

  it('bounds meta depth and key count', () => {
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < LIMITS.maxMetaDepth; i++) deep = { nested: deep };
    expect(LogInput.safeParse({ ...base, meta: deep }).error?.issues[0]?.message).toMatch(/nested/);
    const wide = Object.fromEntries(Array.from({ length: LIMITS.maxMetaKeys + 1 }, (_, i) => [`k${i}`, i]));
    expect(LogInput.safeParse({ ...base, meta: wide }).error?.issues[0]?.message).toMatch(/keys/);
    expect(LogInput.safeParse({ ...base, meta: { 'http.status': 500, user: { id: 'u1' } } }).success).toBe(
      true,
    );
  });
});

describe('ids and streams', () => {
  it('derives the same id for the same stream and seq, whatever the batch', () => {
    const log = { service: 'payment', seq: 42 };
    expect(deriveLogId(log, 'batch-a', 0)).toBe(deriveLogId(log, 'batch-b', 7));
    expect(deriveLogId(log, 'batch-a', 0)).toBe('payment@42');
  });

  it('separates instances of a service and falls back to batch and index without seq', () => {
    expect(deriveLogId({ service: 'payment', instance: 'eu-1', seq: 1 }, 'b', 0)).toBe('payment/eu-1@1');
    expect(deriveLogId({ service: 'payment' }, 'b1', 3)).toBe('b1:3');
    expect(streamOf({ service: 'payment', instance: 'eu-1' })).toBe('payment/eu-1');
  });

  it('returns undefined for unknown level spellings', () => {
    expect(normalizeLevel(' Info ')).toBe('info');
    expect(normalizeLevel('shout')).toBeUndefined();
  });
});
