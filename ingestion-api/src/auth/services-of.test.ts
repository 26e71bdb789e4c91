import { servicesOf } from './services-of';

describe('servicesOf', () => {
  it('reads one log, an array and an envelope with per-log overrides', () => {
    expect([...servicesOf({ service: 'payment', level: 'info', message: 'x' })]).toEqual(['payment']);
    expect([...servicesOf([{ service: 'a' }, { service: 'b' }, { service: 'a' }])].sort()).toEqual([
      'a',
      'b',
    ]);
    expect(
      [...servicesOf({ service: 'payment', logs: [{ message: 'x' }, { service: 'auth' }] })].sort(),
    ).toEqual(['auth', 'payment']);
  });

  it('ignores items without a string service (validation refuses them)', () => {
    expect(servicesOf([{ message: 'x' }, 42, null]).size).toBe(0);
    expect(servicesOf('text').size).toBe(0);
  });
});
