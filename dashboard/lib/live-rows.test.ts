import { describe, expect, it } from '@jest/globals';
import type { LiveLog } from '@logstream/shared-types';
import { mergeLiveRows } from './live-rows';

const log = (id: string, ts: string): LiveLog => ({
  id,
  service: 'auth',
  stream: 'auth',
  level: 'info',
  message: id,
  ts: `2026-11-23T10:00:${ts}.000Z`,
});

describe('mergeLiveRows', () => {
  it('orders rows newest first by time whatever the arrival order', () => {
    const rows = mergeLiveRows(
      [log('a', '05'), log('b', '01')],
      [log('c', '03'), log('d', '09'), log('e', '02')],
      10,
    );
    expect(rows.map((r) => r.id)).toEqual(['d', 'a', 'c', 'e', 'b']);
  });

  it('keeps each log once and at most max rows', () => {
    const rows = mergeLiveRows([log('a', '05')], [log('a', '05'), log('b', '06'), log('c', '07')], 2);
    expect(rows.map((r) => r.id)).toEqual(['c', 'b']);
  });
});
