import { parseNdjson } from './ndjson';

describe('parseNdjson', () => {
  it('skips blank lines and keeps line numbers', () => {
    const parsed = parseNdjson('{"a":1}\r\n\n  \n{"b":2}\nnot json\n');
    expect(parsed.items).toEqual([{ a: 1 }, { b: 2 }, undefined]);
    expect(parsed.lines).toEqual([1, 4, 5]);
    expect(parsed.parseErrors.get(2)).toMatch(/not valid JSON/);
    expect(parsed.parseErrors.has(0)).toBe(false);
  });

  it('accepts a body without a final newline', () => {
    expect(parseNdjson('{"a":1}').items).toEqual([{ a: 1 }]);
  });
});
