'use server';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { loginGuard } from '@/lib/accounts';
import { clientAddress, safeNext } from '@/lib/client-address';
import { config } from '@/lib/config';
import { endSession, startSession } from '@/lib/session';

/** What the sign-in form shows after a refused attempt. */
export type SignInState = { error: string } | null;

/**
 * Sign-in form action: checks the credentials (failed attempts limited per account and per address), then seals
 * the session cookie and goes where the user was headed. Every refusal says the same thing, whoever the account.
 */
export async function signIn(_previous: SignInState, form: FormData): Promise<SignInState> {
  if (!config().sessionSecret)
    return { error: 'Sign-in is not configured: set SESSION_SECRET on the dashboard.' };
  const outcome = await loginGuard().attempt(
    form.get('email'),
    form.get('password'),
    clientAddress(await headers(), config().trustProxy),
  );
  if (!outcome.ok) return { error: outcome.message };
  await startSession(outcome.user.id);
  redirect(safeNext(form.get('next')));
}

/** Ends the session and returns to the sign-in page. */
export async function signOut(): Promise<void> {
  if (config().sessionSecret) await endSession();
  redirect('/login');
}
