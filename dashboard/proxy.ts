import { NextResponse, type NextRequest } from 'next/server';
import { unsealData } from 'iron-session';
import { config as dashboardConfig } from './lib/config';
import { SESSION_COOKIE, type SessionData } from './lib/session-cookie';

/** Paths that answer without a session: the sign-in page and the health route (static assets are not matched). */
const PUBLIC_PATHS = new Set(['/login', '/api/health']);

/** Whether the request carries a sealed, unexpired session cookie (the user itself is checked by each page). */
async function hasSession(request: NextRequest): Promise<boolean> {
  const { sessionSecret, sessionTtlMs } = dashboardConfig();
  const seal = request.cookies.get(SESSION_COOKIE)?.value;
  if (!seal || !sessionSecret) return false;
  const data = await unsealData<Partial<SessionData>>(seal, {
    password: sessionSecret,
    ttl: Math.round(sessionTtlMs / 1000),
  }).catch(() => ({}) as Partial<SessionData>);
  return typeof data.userId === 'string' && typeof data.sid === 'string';
}

/** A state-changing request from another site: its Origin names a host other than the one it was sent to. */
function crossSite(request: NextRequest): boolean {
  const origin = request.headers.get('origin');
  const host = request.headers.get('x-forwarded-host') ?? request.headers.get('host');
  if (!origin || !host) return true;
  try {
    return new URL(origin).host !== host;
  } catch {
    return true;
  }
}

/**
 * Runs before every page and route handler: refuses cross-site state-changing requests to route handlers (server
 * actions have Next's own Origin check), sends anonymous page requests to /login (keeping where they were going),
 * and answers 401 to anonymous API and export requests. Pages, actions and handlers check the user and role again.
 */
export async function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const stateChanging = !['GET', 'HEAD', 'OPTIONS'].includes(request.method);
  if (stateChanging && !request.headers.has('next-action') && crossSite(request)) {
    return NextResponse.json(
      { error: { code: 'forbidden', message: 'cross-site request refused' } },
      { status: 403 },
    );
  }
  if (PUBLIC_PATHS.has(pathname) || (await hasSession(request))) return NextResponse.next();
  if (pathname.startsWith('/api/') || pathname === '/logs/export') {
    return NextResponse.json(
      { error: { code: 'unauthorized', message: 'sign in first' } },
      { status: 401, headers: { 'cache-control': 'no-store' } },
    );
  }
  const login = new URL('/login', request.url);
  if (pathname !== '/') login.searchParams.set('next', `${pathname}${search}`);
  return NextResponse.redirect(login);
}

export const config = {
  // Everything but Next's static files and the icon.
  matcher: ['/((?!_next/static|_next/image|icon.svg|favicon.ico).*)'],
};
