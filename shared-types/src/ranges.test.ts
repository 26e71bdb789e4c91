import { clipBelow, countInRanges, inRanges, normalizeRanges, subtractRanges, toRanges } from './ranges';

describe('seq ranges', () => {
  it('merges overlapping and adjacent ranges and drops malformed ones', () => {
    expect(
      normalizeRanges([
        [10, 12],
        [1, 3],
        [4, 5],
        [11, 20],
        [9, 2],
        [30, 30],
      ]),
    ).toEqual([
      [1, 5],
      [10, 20],
      [30, 30],
    ]);
  });

  it('clips ranges to what lies above a floor', () => {
    expect(
      clipBelow(
        [
          [1, 5],
          [8, 12],
          [3, 9],
        ],
        6,
      ),
    ).toEqual([[7, 12]]);
    expect(clipBelow([[1, 5]], 5)).toEqual([]);
  });

  it('counts and tests membership', () => {
    expect(
      countInRanges([
        [1, 3],
        [2, 6],
        [10, 10],
      ]),
    ).toBe(7);
    expect(
      inRanges(4, [
        [1, 3],
        [5, 6],
      ]),
    ).toBe(false);
    expect(
      inRanges(5, [
        [1, 3],
        [5, 6],
      ]),
    ).toBe(true);
  });

  it('collapses seqs into ranges', () => {
    expect(toRanges([7, 1, 2, 3, 9, 8, 20])).toEqual([
      [1, 3],
      [7, 9],
      [20, 20],
    ]);
  });
});

describe('subtractRanges', () => {
  it('leaves what no present range covers', () => {
    expect(subtractRanges([1, 20], [[3, 5], [8, 8], [15, 30]])).toEqual([
      [1, 2],
      [6, 7],
      [9, 14],
    ]);
  });
  it('returns the whole range when nothing overlaps, and nothing when it is covered', () => {
    expect(subtractRanges([10, 12], [[1, 5], [20, 25]])).toEqual([[10, 12]]);
    expect(subtractRanges([10, 12], [[1, 11], [12, 40]])).toEqual([]);
  });
});
