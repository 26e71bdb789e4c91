/** Name of the session cookie (httpOnly, SameSite=Lax, sealed and encrypted by iron-session). */
export const SESSION_COOKIE = 'logstream_session';

/** What the sealed cookie holds: who, and when the session began (a later password change ends it). */
export interface SessionData {
  userId: string;
  issuedAt: number;
}
