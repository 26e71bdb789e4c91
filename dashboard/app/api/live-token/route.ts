import { config } from '@/lib/config';
import { mintLiveToken } from '@/lib/live-token';
import { authorize } from '@/lib/session';

const NO_STORE = { 'cache-control': 'no-store' };

/**
 * `GET /api/live-token`: a short-lived token for the signed-in user's live feed, passed by the browser in socket.io's
 * `auth` payload (asked again on every reconnect). 401 without a session; 503 when no LIVE_TOKEN_SECRET is set.
 */
export async function GET(): Promise<Response> {
  const user = await authorize('viewer');
  if (!user) {
    return Response.json(
      { error: { code: 'unauthorized', message: 'sign in first' } },
      { status: 401, headers: NO_STORE },
    );
  }
  const { liveTokenSecret, liveTokenTtlS } = config();
  if (!liveTokenSecret) {
    return Response.json(
      { error: { code: 'unavailable', message: 'the live feed is not configured (LIVE_TOKEN_SECRET)' } },
      { status: 503, headers: NO_STORE },
    );
  }
  return Response.json(await mintLiveToken(user, { secret: liveTokenSecret, ttlS: liveTokenTtlS }), {
    headers: NO_STORE,
  });
}
