import { LIMITS } from '@logstream/shared-types';
import type { AppError } from '../errors';
import { validateBatch } from './validate-batch';

const log = (extra: Record<string, unknown> = {}) => ({
  service: 'auth',
  level: 'info',
  message: 'hello',
  ...extra,
});

describe('validateBatch', () => {
  it('takes one log, an array, and an envelope whose service applies to every item', () => {
    expect(validateBatch(log()).valid).toHaveLength(1);
    expect(validateBatch([log(), log()]).valid).toHaveLength(2);
    const envelope = validateBatch({ service: 'payment', logs: [{ level: 'info', message: 'charged' }] });
    expect(envelope.valid[0]?.log.service).toBe('payment');
  });

  it('keeps valid items and reports each invalid one by index and field', () => {
    const result = validateBatch([log(), log({ level: 'nope' }), { service: 'auth', level: 'info' }, 'text']);
    expect(result.valid.map((v) => v.index)).toEqual([0]);
    expect(result.rejected).toEqual([
      { index: 1, errors: [{ field: 'level', message: expect.stringContaining('unknown level') }] },
      { index: 2, errors: [{ field: 'message', message: 'message is required' }] },
      { index: 3, errors: [{ field: '(log)', message: 'each log must be a JSON object' }] },
    ]);
  });

  it('names unknown fields instead of dropping them', () => {
    const result = validateBatch([log({ msg: 'typo' })]);
    expect(result.rejected[0]?.errors[0]).toEqual({
      field: 'msg',
      message: expect.stringContaining('put extra data in meta'),
    });
  });

  it('refuses oversized logs', () => {
    const result = validateBatch([log({ meta: { blob: 'x'.repeat(LIMITS.maxLogBytes) } })]);
    expect(result.rejected[0]?.errors[0]?.message).toMatch(/bytes; at most/);
  });

  it('throws for an empty request, too many items, a bad envelope and a scalar body', () => {
    const codeOf = (body: unknown) => {
      try {
        validateBatch(body);
        return 'none';
      } catch (error) {
        return (error as AppError).code;
      }
    };
    expect(codeOf([])).toBe('validation_failed');
    expect(codeOf(Array.from({ length: LIMITS.maxItemsPerRequest + 1 }, () => log()))).toBe('too_many_items');
    expect(codeOf({ service: 'auth', logs: 'nope' })).toBe('validation_failed');
    expect(codeOf({ service: 'auth', extra: 1, logs: [] })).toBe('validation_failed');
    expect(codeOf(42)).toBe('validation_failed');
  });
});
