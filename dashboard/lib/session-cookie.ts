/** Name of the session cookie (httpOnly, SameSite=Lax, sealed and encrypted by iron-session). */
export const SESSION_COOKIE = 'logstream_session';

/**
 * What the sealed cookie holds: who, when the session began (a later password change ends it), and the session's
 * id, registered in Redis until sign-out or expiry (so a copied cookie stops working once its session ended).
 */
export interface SessionData {
  userId: string;
  issuedAt: number;
  sid: string;
}

/** Redis key registering a live session. */
export const sessionKey = (prefix: string, sid: string) => `${prefix}:session:${sid}`;
