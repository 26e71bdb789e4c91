/**
 * The client address a request came from, for per-address login limits: the last hop of X-Forwarded-For (written by
 * the nearest proxy, or by Next itself when there is none) when `trustProxy`, else one shared bucket.
 */
export function clientAddress(headers: { get(name: string): string | null }, trustProxy: boolean): string {
  if (!trustProxy) return 'direct';
  const hops = (headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((hop) => hop.trim())
    .filter(Boolean);
  return hops.at(-1)?.slice(0, 64) ?? 'unknown';
}

/** Where to go after signing in: a same-site path only (never `//host` or a full URL), else the overview. */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\'))
    return '/';
  return next.slice(0, 2000);
}
