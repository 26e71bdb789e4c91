import { describe, expect, it } from '@jest/globals';
import { summarizeRollups } from './rollups';

const MINUTE = 60_000;

describe('summarizeRollups', () => {
  it('gives each service its rate over the last five complete minutes, not the hour average', () => {
    const end = Date.UTC(2026, 10, 23, 12, 0) + MINUTE; // the current minute is 12:00
    const at = (minutesBeforeNow: number) => new Date(end - MINUTE - minutesBeforeNow * MINUTE);
    const rows = [
      // `auth` logged 600 logs 40 minutes ago and nothing since; `payment` 60 a minute for the last five minutes.
      { minute: at(40), service: 'auth', level: 'info', count: 600 },
      ...[1, 2, 3, 4, 5].map((m) => ({ minute: at(m), service: 'payment', level: 'info', count: 60 })),
      // The current minute is still filling: not in the rate.
      { minute: at(0), service: 'payment', level: 'error', count: 30 },
    ];
    const summary = summarizeRollups(rows, end, 60);
    const byName = Object.fromEntries(summary.services.map((s) => [s.service, s]));
    expect(byName.auth).toMatchObject({ total: 600, perSec: 0 });
    expect(byName.payment).toMatchObject({ total: 330, errors: 30, perSec: 1 });
    expect(summary.perSec).toBe(1);
    expect(byName.payment?.spark.slice(-6)).toEqual([60, 60, 60, 60, 60, 30]);
  });
});
