import { AppError } from '../errors';
import { assertCanSeeStream, canSee, serviceOfStream } from './scope';

const key = (service: string) => ({
  kind: 'service' as const,
  key: { id: 'k1', service, prefix: 'lsk_ab', createdAt: '2026-11-23T00:00:00.000Z', revokedAt: null },
});

describe('scope', () => {
  it('reads the service of a stream', () => {
    expect(serviceOfStream('payment')).toBe('payment');
    expect(serviceOfStream('payment/eu-1')).toBe('payment');
  });

  it('lets the admin and open routes see everything, a service key only its own service', () => {
    expect(canSee(undefined, 'auth')).toBe(true);
    expect(canSee({ kind: 'admin' }, 'auth')).toBe(true);
    expect(canSee(key('payment'), 'payment')).toBe(true);
    expect(canSee(key('payment'), 'auth')).toBe(false);
    // A service whose name starts like another's is still another service.
    expect(canSee(key('pay'), 'payment')).toBe(false);
  });

  it('refuses another service’s stream with 403', () => {
    expect(() => assertCanSeeStream(key('payment'), 'payment/eu-1')).not.toThrow();
    const refused = (() => {
      try {
        assertCanSeeStream(key('payment'), 'auth/eu-1');
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).status).toBe(403);
  });
});
