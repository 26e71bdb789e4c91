import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { safeNext } from '@/lib/client-address';
import { config } from '@/lib/config';
import { currentUser } from '@/lib/session';
import { LoginForm } from './login-form';

export const metadata: Metadata = { title: 'Sign in' };

/** The only page that answers without a session. */
export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[]>>;
}) {
  const params = await searchParams;
  const next = safeNext(Array.isArray(params.next) ? params.next[0] : params.next);
  if (await currentUser()) redirect(next);
  const configured = config().sessionSecret !== undefined;
  return (
    <section className="login card" data-testid="login-page">
      <div className="login-brand">
        <span className="brand-logo">L</span>
        <span className="brand-name">LogStream</span>
      </div>
      <h1>Sign in</h1>
      <p className="muted">
        Logs hold request ids, user ids and sometimes secrets, so every page needs an account.
      </p>
      {configured ? (
        <LoginForm next={next} />
      ) : (
        <p className="notice bad" role="alert">
          Sign-in is not configured: set <code>SESSION_SECRET</code> (32+ characters) on the dashboard.
        </p>
      )}
      <p className="faint login-help">
        No account? An admin creates one on the Admin page, or on the server:{' '}
        <code>npm run users -- create --email you@example.com</code>
      </p>
    </section>
  );
}
