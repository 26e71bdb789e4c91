import { describe, expect, it } from '@jest/globals';
import type { SearchFilter } from './log-search';
import { lookupPlan } from './page-walk';

const base: SearchFilter = {
  from: new Date(0),
  to: new Date(1),
  services: [],
  levels: [],
  q: '',
  requestId: '',
  traceId: '',
};

describe('lookupPlan', () => {
  it('reads a one-value filter with one lookup', () => {
    const filter = { ...base, services: ['auth'], levels: ['error'] };
    expect(lookupPlan(filter)).toEqual({ variants: [filter], counted: filter });
  });

  it('splits several services and levels into one lookup per pair, each with single values', () => {
    const plan = lookupPlan({ ...base, services: ['auth', 'orders'], levels: ['warn', 'error'] });
    expect(plan.variants.map((v) => [v.services, v.levels])).toEqual([
      [['auth'], ['warn']],
      [['auth'], ['error']],
      [['orders'], ['warn']],
      [['orders'], ['error']],
    ]);
    expect(plan.counted.levels).toEqual(['warn', 'error']);
  });

  it('splits only the shorter list when the pairs are too many, and counts by what is pushed down', () => {
    const services = ['a', 'b', 'c', 'd', 'e'];
    const plan = lookupPlan({ ...base, services, levels: ['warn', 'error'] });
    expect(plan.variants.map((v) => v.levels)).toEqual([['warn'], ['error']]);
    expect(plan.variants.every((v) => v.services === services)).toBe(true);
    expect(plan.counted.services).toEqual([]);
    const many = lookupPlan({ ...base, services: [...services, 'f', 'g', 'h', 'i'] });
    expect(many.variants).toHaveLength(1);
    expect(many.counted.services).toEqual([]);
  });
});
