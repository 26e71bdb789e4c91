import 'server-only';
import { randomBytes } from 'node:crypto';
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import { getIronSession, type SessionOptions } from 'iron-session';
import type { UserRole } from '@logstream/shared-types';
import { accounts } from './accounts';
import { config } from './config';
import { redis } from './redis';
import { SESSION_COOKIE, sessionKey, type SessionData } from './session-cookie';

/** The signed-in user of a request. */
export interface SessionUser {
  id: string;
  email: string;
  role: UserRole;
}

/** Session options for this request: the cookie is Secure when configured, or (auto) when the request was https. */
export async function sessionOptions(): Promise<SessionOptions> {
  const c = config();
  if (!c.sessionSecret) throw new Error('SESSION_SECRET is not set');
  const secure =
    c.cookieSecure === 'auto' ? (await headers()).get('x-forwarded-proto') === 'https' : c.cookieSecure;
  return {
    cookieName: SESSION_COOKIE,
    password: c.sessionSecret,
    ttl: Math.round(c.sessionTtlMs / 1000),
    cookieOptions: { httpOnly: true, sameSite: 'lax', secure, path: '/' },
  };
}

/** The request's iron-session (empty when there is no valid, unexpired cookie). */
export async function session() {
  return getIronSession<SessionData>(await cookies(), await sessionOptions());
}

/** Starts a session for `userId`: registers its id in Redis for the session's lifetime and seals the cookie. */
export async function startSession(userId: string): Promise<void> {
  const { keyPrefix, sessionTtlMs } = config();
  const sid = randomBytes(18).toString('base64url');
  await redis().set(sessionKey(keyPrefix, sid), userId, 'PX', sessionTtlMs);
  const current = await session();
  current.userId = userId;
  current.issuedAt = Date.now();
  current.sid = sid;
  await current.save();
}

/** Ends the request's session: unregisters it (a copy of the cookie is refused from now on) and clears the cookie. */
export async function endSession(): Promise<void> {
  const current = await session();
  if (typeof current.sid === 'string') await redis().del(sessionKey(config().keyPrefix, current.sid));
  current.destroy();
}

/**
 * The signed-in user, or undefined: the cookie must be valid and unexpired, its session still registered (not
 * signed out), and the user must still exist with no password change since the session began (so a reset ends every
 * session). Once per request.
 */
export const currentUser = cache(async (): Promise<SessionUser | undefined> => {
  if (!config().sessionSecret) return undefined;
  const data = await session();
  if (!data.userId || typeof data.issuedAt !== 'number' || typeof data.sid !== 'string') return undefined;
  const owner = await redis().get(sessionKey(config().keyPrefix, data.sid));
  if (owner !== data.userId) return undefined;
  const user = await (await accounts()).byId(data.userId);
  if (!user || Date.parse(user.passwordChangedAt) > data.issuedAt) return undefined;
  return { id: user.id, email: user.email, role: user.role };
});

/** For pages: the signed-in user, else a redirect to /login. */
export async function requireUser(): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) redirect('/login');
  return user;
}

/** For server actions and route handlers: the user when signed in with at least `role`, else undefined. */
export async function authorize(role: UserRole = 'viewer'): Promise<SessionUser | undefined> {
  const user = await currentUser();
  if (!user) return undefined;
  return role === 'admin' && user.role !== 'admin' ? undefined : user;
}
