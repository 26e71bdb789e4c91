import { backoffDelay, parseRetryAfter, retryDelay } from './backoff';

const policy = { baseMs: 100, maxMs: 5_000 };

describe('backoff with full jitter', () => {
  it('stays within [0, min(max, base·2^(attempt-1))] for any random draw', () => {
    for (let attempt = 1; attempt <= 12; attempt++) {
      const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
      expect(backoffDelay(attempt, policy, () => 0)).toBe(0);
      const top = backoffDelay(attempt, policy, () => 0.999999);
      expect(top).toBeLessThanOrEqual(ceiling);
      expect(top).toBeGreaterThanOrEqual(ceiling - 1);
    }
  });

  it('spreads draws across the window', () => {
    const draws = Array.from({ length: 2000 }, () => backoffDelay(4, policy));
    expect(Math.min(...draws)).toBeLessThan(100);
    expect(Math.max(...draws)).toBeGreaterThan(700);
    expect(Math.max(...draws)).toBeLessThanOrEqual(800);
  });

  it('honours Retry-After over the exponential schedule', () => {
    const delay = retryDelay(1, policy, 3_000, () => 0.5);
    expect(delay).toBeGreaterThanOrEqual(3_000);
    expect(delay).toBeLessThanOrEqual(3_300);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, rejects junk, caps wild values', () => {
    expect(parseRetryAfter('2')).toBe(2_000);
    expect(parseRetryAfter('0.5')).toBe(500);
    const now = Date.parse('2026-11-22T10:00:00Z');
    expect(parseRetryAfter('Sun, 22 Nov 2026 10:00:07 GMT', now)).toBe(7_000);
    expect(parseRetryAfter('Sun, 22 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('999999')).toBe(300_000);
  });
});
