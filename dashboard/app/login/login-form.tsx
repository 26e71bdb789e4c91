'use client';
import { useActionState } from 'react';
import { signIn, type SignInState } from '@/app/auth-actions';

/** E-mail and password, posted to the `signIn` server action; shows its refusal. */
export function LoginForm({ next }: { next: string }) {
  const [state, action, pending] = useActionState<SignInState, FormData>(signIn, null);
  return (
    <form action={action} className="login-form" data-testid="login-form">
      <input type="hidden" name="next" value={next} />
      <label className="field">
        E-mail
        <input name="email" type="email" autoComplete="username" required autoFocus maxLength={254} />
      </label>
      <label className="field">
        Password
        <input name="password" type="password" autoComplete="current-password" required maxLength={256} />
      </label>
      {state?.error && (
        <p className="notice bad" role="alert" data-testid="login-error">
          {state.error}
        </p>
      )}
      <button type="submit" className="btn primary" disabled={pending}>
        {pending ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
