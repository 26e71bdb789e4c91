import { z } from 'zod';

/** Dashboard roles: a `viewer` reads everything; an `admin` also runs faults, replays, retries and manages access. */
export const USER_ROLES = ['viewer', 'admin'] as const;
export const UserRole = z.enum(USER_ROLES);
export type UserRole = z.infer<typeof UserRole>;

/** A dashboard user as listed to an admin; the password hash never leaves storage. */
export const UserInfo = z.object({
  id: z.string(),
  email: z.string(),
  role: UserRole,
  createdAt: z.iso.datetime(),
  /** When the password was last set (creation or reset). */
  passwordChangedAt: z.iso.datetime(),
});
export type UserInfo = z.infer<typeof UserInfo>;

/** Longest accepted password; longer ones are refused before hashing so a login cannot be made expensive. */
export const MAX_PASSWORD_LENGTH = 256;
/** Shortest password a user may be given. */
export const MIN_PASSWORD_LENGTH = 12;

/** An e-mail address as a login name: trimmed, lower-cased, bounded. */
export const UserEmail = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, 'email is too long')
  .pipe(z.email('not a valid email address'));

/** A new password: bounded both ways. */
export const NewPassword = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `passwords need at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(MAX_PASSWORD_LENGTH, `passwords have at most ${MAX_PASSWORD_LENGTH} characters`);

/** Audience and issuer of the short-lived live-feed tokens the dashboard mints and the API's socket.io checks. */
export const LIVE_TOKEN_AUDIENCE = 'logstream-live';
export const LIVE_TOKEN_ISSUER = 'logstream-dashboard';

/** Claims of a live-feed token (a JWT signed with the shared LIVE_TOKEN_SECRET, HS256). */
export const LiveTokenClaims = z.object({
  /** The user's id. */
  sub: z.string().min(1),
  role: UserRole,
});
export type LiveTokenClaims = z.infer<typeof LiveTokenClaims>;

/**
 * What a socket.io client sends in its handshake `auth` payload: the dashboard's live token, or a service API key
 * (which only follows its own service's logs).
 */
export const SocketAuth = z.union([
  z.object({ token: z.string().min(1).max(4096) }),
  z.object({ key: z.string().min(1).max(512) }),
]);
export type SocketAuth = z.infer<typeof SocketAuth>;
