import { jwtVerify } from 'jose';
import type { Logger } from 'pino';
import type { ExtendedError, Socket } from 'socket.io';
import { LIVE_TOKEN_AUDIENCE, LIVE_TOKEN_ISSUER, LiveTokenClaims, SocketAuth } from '@logstream/shared-types';
import type { KeyAuthenticator, Principal } from '../auth/key-authenticator';

/** Who a socket belongs to: a dashboard user (by live token), a key's principal, or nobody when auth is off. */
export type SocketPrincipal =
  { kind: 'user'; userId: string; role: LiveTokenClaims['role'] } | Principal | { kind: 'anonymous' };

/** What the server keeps on each socket (`socket.data`). */
export interface SocketData {
  principal: SocketPrincipal;
}

/** The message a refused client sees in `connect_error` (`err.message`); never says why in more detail. */
export const SOCKET_REFUSED = 'unauthorized';

/**
 * socket.io middleware authenticating each connection from its handshake `auth` payload: `{ token }`, a live-feed
 * JWT the dashboard minted for a signed-in user (HS256 with LIVE_TOKEN_SECRET, audience and issuer checked, expiry
 * enforced), or `{ key }`, an API key (a service key follows only its service). Without either the connection is
 * refused when AUTH_REQUIRED, and allowed (anonymous) otherwise.
 */
export function socketAuth(options: {
  authenticator: KeyAuthenticator;
  authRequired: boolean;
  liveTokenSecret: string | undefined;
  logger: Logger;
}): (socket: Socket, next: (error?: ExtendedError) => void) => void {
  const secret = options.liveTokenSecret ? new TextEncoder().encode(options.liveTokenSecret) : undefined;
  const refuse = (next: (error?: ExtendedError) => void, reason: string, socket: Socket) => {
    options.logger.info({ reason, address: socket.handshake.address }, 'socket refused');
    next(new Error(SOCKET_REFUSED));
  };
  return (socket, next) => {
    const parsed = SocketAuth.safeParse(socket.handshake.auth ?? {});
    const verify = async (): Promise<SocketPrincipal | string> => {
      if (!parsed.success) return options.authRequired ? 'no credentials' : { kind: 'anonymous' };
      if ('token' in parsed.data) {
        if (!secret) {
          return options.authRequired
            ? 'live tokens are not enabled (no LIVE_TOKEN_SECRET)'
            : { kind: 'anonymous' };
        }
        try {
          const { payload } = await jwtVerify(parsed.data.token, secret, {
            algorithms: ['HS256'],
            audience: LIVE_TOKEN_AUDIENCE,
            issuer: LIVE_TOKEN_ISSUER,
            requiredClaims: ['exp', 'sub'],
          });
          const claims = LiveTokenClaims.safeParse(payload);
          return claims.success
            ? { kind: 'user', userId: claims.data.sub, role: claims.data.role }
            : 'bad claims';
        } catch (error) {
          return `bad token (${(error as { code?: string }).code ?? 'invalid'})`;
        }
      }
      const principal = await options.authenticator.authenticate(parsed.data.key);
      return principal ?? 'unknown or revoked key';
    };
    verify().then(
      (result) => {
        if (typeof result === 'string') return refuse(next, result, socket);
        (socket.data as SocketData).principal = result;
        next();
      },
      (error: unknown) => {
        options.logger.warn({ err: error }, 'socket authentication failed');
        next(new Error(SOCKET_REFUSED));
      },
    );
  };
}
