/** An inclusive range of seqs `[from, to]`, as the ACK protocol carries them. */
export type SeqRange = [number, number];

/** Whether `seq` falls inside any of `ranges`. */
export function inRanges(seq: number, ranges: readonly SeqRange[]): boolean {
  return ranges.some(([from, to]) => seq >= from && seq <= to);
}

/**
 * Sorts ranges, drops malformed ones (`from > to`, non-integers) and merges overlapping or adjacent ones, so that
 * the result is the smallest ascending list covering the same seqs.
 */
export function normalizeRanges(ranges: readonly SeqRange[]): SeqRange[] {
  const valid = ranges
    .filter(([from, to]) => Number.isInteger(from) && Number.isInteger(to) && from <= to)
    .map(([from, to]): SeqRange => [from, to])
    .sort((a, b) => a[0] - b[0]);
  const merged: SeqRange[] = [];
  for (const range of valid) {
    const last = merged[merged.length - 1];
    if (last && range[0] <= last[1] + 1) last[1] = Math.max(last[1], range[1]);
    else merged.push(range);
  }
  return merged;
}

/** The part of `ranges` strictly above `floor` (used to ignore requests for seqs already known persisted). */
export function clipBelow(ranges: readonly SeqRange[], floor: number): SeqRange[] {
  return normalizeRanges(ranges)
    .filter(([, to]) => to > floor)
    .map(([from, to]): SeqRange => [Math.max(from, floor + 1), to]);
}

/** Number of seqs covered by `ranges` (after normalizing). */
export function countInRanges(ranges: readonly SeqRange[]): number {
  return normalizeRanges(ranges).reduce((sum, [from, to]) => sum + (to - from + 1), 0);
}

/**
 * Collapses a set of seqs into ascending inclusive ranges (`[1,2,3,7]` → `[[1,3],[7,7]]`). Used to describe
 * what a producer still holds.
 */
export function toRanges(seqs: Iterable<number>): SeqRange[] {
  return normalizeRanges([...seqs].map((seq): SeqRange => [seq, seq]));
}

/** The seqs of `range` that no range of `present` covers, as ascending ranges. */
export function subtractRanges(range: SeqRange, present: readonly SeqRange[]): SeqRange[] {
  const out: SeqRange[] = [];
  let next = range[0];
  for (const [from, to] of normalizeRanges(present)) {
    if (to < next) continue;
    if (from > range[1]) break;
    if (from > next) out.push([next, from - 1]);
    next = Math.max(next, to + 1);
  }
  if (next <= range[1]) out.push([next, range[1]]);
  return out;
}
