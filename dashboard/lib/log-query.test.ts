import { describe, expect, it } from '@jest/globals';
import { bucketMatches, escapeRegex, minuteFilter } from '@logstream/storage';
import { decodeCursor, encodeCursor, parseLogSearch, toQueryString, type LogSearch } from './log-query';

const now = new Date('2026-11-22T10:40:00.000Z');
const minute = new Date('2026-11-22T10:39:00.000Z');
/** The filter of the search's newest minute bucket, as the page walk issues it. */
const toMongoFilter = (search: LogSearch) => minuteFilter(search, minute);

describe('parseLogSearch', () => {
  it('defaults to the last 24 h, all services and levels, 50 rows', () => {
    const { search, issues } = parseLogSearch({}, now);
    expect(issues).toEqual([]);
    expect(search.range).toBe('24h');
    expect(search.to).toEqual(now);
    expect(search.from).toEqual(new Date('2026-11-21T10:40:00.000Z'));
    expect(search.services).toEqual([]);
    expect(search.levels).toEqual([]);
    expect(search.limit).toBe(50);
    expect(toMongoFilter(search)).toEqual({ minute, ts: { $gte: search.from, $lt: now } });
  });

  it('reads repeated and comma-separated multi-selects, dedupes them and keeps level order', () => {
    const params = new URLSearchParams('service=payment&service=auth,payment&level=error&level=debug,error');
    const { search } = parseLogSearch(params, now);
    expect(search.services).toEqual(['auth', 'payment']);
    expect(search.levels).toEqual(['debug', 'error']);
    expect(toMongoFilter(search)).toMatchObject({
      service: { $in: ['auth', 'payment'] },
      level: { $in: ['debug', 'error'] },
    });
  });

  it('puts the minute bucket first and uses equality for a single service and level (pushed down by FerretDB)', () => {
    const { search } = parseLogSearch({ service: 'payment', level: 'warn', range: '15m' }, now);
    const filter = toMongoFilter(search);
    expect(Object.keys(filter)[0]).toBe('minute');
    expect(filter.service).toBe('payment');
    expect(filter.level).toBe('warn');
    expect(filter.ts).toEqual({ $gte: new Date('2026-11-22T10:25:00.000Z'), $lt: now });
  });

  it('prefers an absolute from/to over a preset and reads zone-less datetime-local input as UTC', () => {
    const { search } = parseLogSearch(
      { range: '7d', from: '2026-11-22T10:30', to: '2026-11-22T10:35:00Z' },
      now,
    );
    expect(search.range).toBeNull();
    expect(search.from.toISOString()).toBe('2026-11-22T10:30:00.000Z');
    expect(search.to.toISOString()).toBe('2026-11-22T10:35:00.000Z');
  });

  it('reports bad fields and falls back instead of throwing', () => {
    const { search, issues } = parseLogSearch(
      { service: 'Not A Slug', level: 'loud', limit: '7', from: 'yesterday', cursor: 'zzz' },
      now,
    );
    expect(search.services).toEqual([]);
    expect(search.levels).toEqual([]);
    expect(search.limit).toBe(50);
    expect(search.cursor).toBeNull();
    expect(issues.map((i) => i.split(':')[0])).toEqual(['service', 'level', 'from', 'cursor', 'limit']);
  });

  it('swaps an inverted range for the hour before `to`', () => {
    const { search, issues } = parseLogSearch(
      { from: '2026-11-22T11:00:00Z', to: '2026-11-22T10:00:00Z' },
      now,
    );
    expect(issues).toHaveLength(1);
    expect(search.from.toISOString()).toBe('2026-11-22T09:00:00.000Z');
  });
});

describe('text search', () => {
  it('escapes regex metacharacters so user text is matched literally and case-insensitively', () => {
    const { search } = parseLogSearch({ q: 'a.b*(c)[d]$^|+?{1}\\/-' }, now);
    const filter = toMongoFilter(search) as { message: { $regex: string; $options: string }; words: string };
    expect(filter.message.$options).toBe('i');
    // The longest word of the text is looked up by equality first (`words` holds each message's words).
    expect(filter.words).toBe('a');
    // JavaScript needs the `u` flag for the pattern's \p{…} classes; MongoDB's and FerretDB's engines do not.
    const re = new RegExp(filter.message.$regex, `${filter.message.$options}u`);
    expect(re.test('xx A.B*(C)[D]$^|+?{1}\\/- yy')).toBe(true);
    expect(re.test('aXb')).toBe(false);
  });

  it('never lets a catastrophic pattern through as a pattern', () => {
    expect(escapeRegex('(a+)+$')).toBe('\\(a\\+\\)\\+\\$');
  });

  it('matches a traceId exactly, lowercased, and refuses one that is not 32 hex digits', () => {
    const { search } = parseLogSearch({ traceId: '4BF92F3577B34DA6A3CE929D0E0E4736' }, now);
    expect(toMongoFilter(search).traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(toQueryString(search)).toContain('traceId=4bf92f3577b34da6a3ce929d0e0e4736');
    const bad = parseLogSearch({ traceId: 'xyz' }, now);
    expect(bad.search.traceId).toBe('');
    expect(bad.issues.join()).toMatch(/traceId/);
  });

  it('matches requestId exactly', () => {
    const { search } = parseLogSearch({ requestId: 'req_abc123' }, now);
    expect(toMongoFilter(search).requestId).toBe('req_abc123');
  });
});

describe('cursor pagination', () => {
  it('round-trips ids containing @ : / through the cursor', () => {
    const cursor = { ts: new Date('2026-11-22T10:32:00.123Z'), id: 'payment/eu-1@42' };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    const other = { ts: cursor.ts, id: 'b_1:3' };
    expect(decodeCursor(encodeCursor(other))).toEqual(other);
  });

  it('adds a keyset condition on (ts, _id) to the cursor minute and no skip', () => {
    const cursor = { ts: new Date('2026-11-22T10:32:00.000Z'), id: 'auth@7' };
    const { search } = parseLogSearch({ cursor: encodeCursor(cursor) }, now);
    expect(minuteFilter(search, minute, search.cursor)).toEqual({
      ...toMongoFilter(search),
      $or: [{ ts: { $lt: cursor.ts } }, { ts: cursor.ts, _id: { $lt: 'auth@7' } }],
    });
  });
});

describe('bucketMatches', () => {
  it('keeps the rollup buckets of the chosen services and levels only', () => {
    const { search } = parseLogSearch({ service: 'auth', level: 'error,warn' }, now);
    const bucket = { minute, service: 'auth', level: 'error', count: 3 };
    expect(bucketMatches(search, bucket)).toBe(true);
    expect(bucketMatches(search, { ...bucket, level: 'info' })).toBe(false);
    expect(bucketMatches(search, { ...bucket, service: 'payment' })).toBe(false);
    expect(bucketMatches(parseLogSearch({}, now).search, { ...bucket, service: 'payment' })).toBe(true);
  });
});

describe('toQueryString', () => {
  it('reproduces the same search from its own URL', () => {
    const params = {
      service: ['auth', 'payment'],
      level: 'error',
      from: '2026-11-22T10:30:00Z',
      to: '2026-11-22T10:35:00Z',
      q: 'timeout',
      limit: '100',
    };
    const { search } = parseLogSearch(params, now);
    const again = parseLogSearch(new URLSearchParams(toQueryString(search).slice(1)), new Date(0)).search;
    expect(again).toEqual(search);
  });

  it('omits defaults and applies overrides', () => {
    const { search } = parseLogSearch({}, now);
    expect(toQueryString(search)).toBe('');
    expect(toQueryString(search, { range: '1h' })).toBe('?range=1h');
  });
});
