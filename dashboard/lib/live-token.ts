import { SignJWT } from 'jose';
import { LIVE_TOKEN_AUDIENCE, LIVE_TOKEN_ISSUER, type UserRole } from '@logstream/shared-types';

/**
 * A short-lived live-feed token for a signed-in user: a JWT (HS256, the secret shared with the API as
 * LIVE_TOKEN_SECRET) that the browser passes in socket.io's `auth` payload. It names the user and role only.
 */
export async function mintLiveToken(
  user: { id: string; role: UserRole },
  options: { secret: string; ttlS: number },
): Promise<{ token: string; expiresAt: string }> {
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({ role: user.role })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(user.id)
    .setIssuer(LIVE_TOKEN_ISSUER)
    .setAudience(LIVE_TOKEN_AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + options.ttlS)
    .sign(new TextEncoder().encode(options.secret));
  return { token, expiresAt: new Date((now + options.ttlS) * 1000).toISOString() };
}
