import { parseTextLine } from './text-line';

describe('parseTextLine', () => {
  it.each([
    [
      '2026-11-22T10:32:00Z INFO user signed in',
      { timestamp: '2026-11-22T10:32:00.000Z', level: 'info', message: 'user signed in' },
    ],
    [
      '2026-11-22 10:32:00,123 [WARN] disk 91% full',
      { timestamp: '2026-11-22T10:32:00.123Z', level: 'warn', message: 'disk 91% full' },
    ],
    [
      '[2026-11-22T10:32:00.5+0100] error: boom',
      { timestamp: '2026-11-22T10:32:00.500+01:00', level: 'error', message: 'boom' },
    ],
    ['level=debug cache miss', { level: 'debug', message: 'cache miss' }],
    ['FATAL', { level: 'fatal', message: 'FATAL' }],
    ['just some words', { level: 'info', message: 'just some words' }],
    ['Error reading file', { level: 'info', message: 'Error reading file' }],
    ['WARNING: low memory', { level: 'warn', message: 'low memory' }],
    ['2026-13-45T99:00:00Z odd date', { level: 'info', message: '2026-13-45T99:00:00Z odd date' }],
  ])('%s', (line, expected) => {
    expect(parseTextLine(line)).toEqual(expected);
  });
});
