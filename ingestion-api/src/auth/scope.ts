import { AppError } from '../errors';
import type { Principal } from './key-authenticator';

/** The service a stream belongs to (`payment/eu-1` → `payment`). */
export function serviceOfStream(stream: string): string {
  const slash = stream.indexOf('/');
  return slash < 0 ? stream : stream.slice(0, slash);
}

/** Whether `principal` may read data of `service`: the admin and open routes see all, a service key its own. */
export function canSee(principal: Principal | undefined, service: string): boolean {
  return principal?.kind !== 'service' || principal.key.service === service;
}

/** Throws 403 unless `principal` may read the stream. */
export function assertCanSeeStream(principal: Principal | undefined, stream: string): void {
  const service = serviceOfStream(stream);
  if (!canSee(principal, service)) {
    throw new AppError(
      'forbidden',
      `this API key may only read streams of service "${
        principal?.kind === 'service' ? principal.key.service : ''
      }"`,
    );
  }
}
