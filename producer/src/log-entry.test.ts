import { InvalidLogError, serializeLog } from './log-entry';

describe('serializeLog', () => {
  const stream = { service: 'auth' };
  const at = () => new Date('2026-11-22T10:00:00.000Z');

  it('fixes the timestamp at call time and keeps optional fields', () => {
    expect(
      JSON.parse(serializeLog(stream, 'info', 'hello', { requestId: 'r1', meta: { a: 1 } }, at)),
    ).toEqual({
      level: 'info',
      message: 'hello',
      timestamp: '2026-11-22T10:00:00.000Z',
      requestId: 'r1',
      meta: { a: 1 },
    });
  });

  it('throws for logs the API would refuse', () => {
    expect(() => serializeLog(stream, 'loud', 'x')).toThrow(InvalidLogError);
    expect(() => serializeLog(stream, 'info', '')).toThrow(/message/);
    expect(() => serializeLog({ service: 'Bad Name' }, 'info', 'x')).toThrow(/service/);
  });
});
