import { emptyStats } from '@logstream/producer';
import { buildReport, formatReport, type StreamOutcome } from './report';

describe('integrity report', () => {
  const outcome = (
    stream: string,
    sent: number,
    persistedTill: number,
    store: StreamOutcome['store'],
  ): StreamOutcome => ({
    stream,
    stats: { ...emptyStats(), nextSeq: sent + 1, acknowledged: sent, persistedTill, replayed: 3 },
    store,
  });

  it('is ok when every seq is stored once', () => {
    const outcomes = [outcome('a/r', 10, 10, { documents: 10, distinct: 10, distinctThroughPersisted: 10 })];
    const report = buildReport('r', outcomes, 1000);
    expect(report).toMatchObject({
      sent: 10,
      persisted: 10,
      duplicates: 0,
      lost: 0,
      unpersisted: 0,
      replays: 3,
      ok: true,
    });
    expect(formatReport(report, outcomes)).toContain('OK: every log stored exactly once');
  });

  it('counts lost (acknowledged persisted but absent), duplicates and unpersisted', () => {
    const outcomes = [
      outcome('a/r', 10, 8, { documents: 7, distinct: 7, distinctThroughPersisted: 6 }),
      outcome('b/r', 5, 5, { documents: 6, distinct: 5, distinctThroughPersisted: 5 }),
    ];
    const report = buildReport('r', outcomes, 1000);
    expect(report).toMatchObject({
      sent: 15,
      persisted: 12,
      duplicates: 1,
      lost: 2,
      unpersisted: 3,
      ok: false,
      outcome: 'failed',
    });
    const table = formatReport(report, outcomes);
    expect(table).toMatch(/^total\s+15\s+15\s+12\s+1\s+2\s+6\s+0$/m);
    expect(table).toContain('FAILED: 2 lost, 1 duplicated, 3 not persisted');
  });

  it('tells "not stored yet" apart from "lost": nothing lost or duplicated, some logs still unstored', () => {
    const outcomes = [outcome('a/r', 10, 6, { documents: 6, distinct: 6, distinctThroughPersisted: 6 })];
    const report = buildReport('r', outcomes, 1000);
    expect(report).toMatchObject({
      lost: 0,
      duplicates: 0,
      unpersisted: 4,
      ok: false,
      outcome: 'incomplete',
    });
    expect(formatReport(report, outcomes)).toContain(
      'INCOMPLETE: nothing lost or duplicated, but 4 logs were not stored yet',
    );
  });
});
