import { Scenario } from './scenario';

/** A seeded generator, so the assertions do not depend on luck. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('Scenario', () => {
  const services = ['auth', 'payment', 'notification'];

  it('plays login → charge → notify under one requestId, in order, across the services', () => {
    const scenario = new Scenario(services, 0, seeded(1));
    const logs = Array.from({ length: 400 }, () => scenario.next());
    const byRequest = new Map<string, string[]>();
    for (const log of logs) {
      if (log.requestId) byRequest.set(log.requestId, [...(byRequest.get(log.requestId) ?? []), log.service]);
    }
    expect(byRequest.size).toBeGreaterThan(30);
    for (const steps of byRequest.values()) {
      if (steps.length < 5) continue; // the last request may be cut off
      expect(steps).toEqual(['auth', 'auth', 'payment', 'payment', 'notification']);
    }
  });

  it('keeps a realistic level mix: mostly info/debug, some warn, errors only from failed requests', () => {
    const count = (errorRatio: number) => {
      const scenario = new Scenario(services, errorRatio, seeded(7));
      const levels: Record<string, number> = {};
      for (let i = 0; i < 5000; i++) {
        const level = scenario.next().level;
        levels[level] = (levels[level] ?? 0) + 1;
      }
      return levels;
    };
    const calm = count(0);
    expect(calm.error ?? 0).toBe(0);
    expect((calm.info ?? 0) + (calm.debug ?? 0)).toBeGreaterThan(5000 * 0.85);
    expect(calm.warn ?? 0).toBeGreaterThan(0);
    const stormy = count(0.5);
    expect(stormy.error ?? 0).toBeGreaterThan(200);
  });

  it('uses only the configured services', () => {
    const scenario = new Scenario(['solo'], 0.1, seeded(3));
    expect(new Set(Array.from({ length: 200 }, () => scenario.next().service))).toEqual(new Set(['solo']));
  });
});
