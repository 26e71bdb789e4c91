import { objectToLog } from './object-log';

describe('objectToLog', () => {
  it('reads the LogStream schema and moves unknown fields into meta', () => {
    expect(
      objectToLog(
        {
          service: 'api',
          level: 'WARN',
          message: 'slow',
          timestamp: 1,
          seq: 9,
          traceId: 'ab',
          meta: { ms: 3 },
        },
        'fallback',
      ),
    ).toEqual({
      service: 'api',
      level: 'WARN',
      message: 'slow',
      fields: { timestamp: 1, meta: { ms: 3, traceId: 'ab' } },
    });
  });

  it('accepts common aliases and falls back to the default service and info', () => {
    expect(objectToLog({ msg: { a: 1 }, time: '2026-01-01T00:00:00Z' }, 'app')).toEqual({
      service: 'app',
      level: 'info',
      message: '{"a":1}',
      fields: { timestamp: '2026-01-01T00:00:00Z' },
    });
  });

  it('refuses what is not an object', () => {
    expect(objectToLog([1], 'app')).toEqual({ error: 'each log must be a JSON object' });
  });
});
