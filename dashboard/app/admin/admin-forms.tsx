'use client';
import { useActionState } from 'react';
import { USER_ROLES } from '@logstream/shared-types';
import { createApiKey, createUser, resetPassword, revokeApiKey, type AdminResult } from './actions';

function Outcome({ result, testId }: { result: AdminResult | null; testId: string }) {
  if (!result) return null;
  return (
    <div className="admin-outcome" role="status" data-testid={testId}>
      <span className={`badge ${result.ok ? 'ok' : 'bad'}`} style={{ whiteSpace: 'normal' }}>
        {result.message}
      </span>
      {result.secret && (
        <code className="mono admin-secret" data-testid="new-key">
          {result.secret}
        </code>
      )}
    </div>
  );
}

/** Create a user: e-mail, role and a first password. */
export function CreateUserForm() {
  const [result, action, pending] = useActionState<AdminResult | null, FormData>(createUser, null);
  return (
    <form action={action} className="admin-form" data-testid="create-user-form">
      <label className="field">
        E-mail
        <input name="email" type="email" required maxLength={254} autoComplete="off" />
      </label>
      <label className="field">
        Role
        <select name="role" defaultValue="viewer">
          {USER_ROLES.map((role) => (
            <option key={role} value={role}>
              {role}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        Password (12+ characters)
        <input
          name="password"
          type="password"
          required
          minLength={12}
          maxLength={256}
          autoComplete="new-password"
        />
      </label>
      <button type="submit" className="btn primary" disabled={pending}>
        Create user
      </button>
      <Outcome result={result} testId="create-user-result" />
    </form>
  );
}

/** Reset a user's password (their sessions end). */
export function ResetPasswordForm({ emails }: { emails: string[] }) {
  const [result, action, pending] = useActionState<AdminResult | null, FormData>(resetPassword, null);
  return (
    <form action={action} className="admin-form" data-testid="reset-password-form">
      <label className="field">
        User
        <select name="email" required>
          {emails.map((email) => (
            <option key={email} value={email}>
              {email}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        New password
        <input
          name="password"
          type="password"
          required
          minLength={12}
          maxLength={256}
          autoComplete="new-password"
        />
      </label>
      <button type="submit" className="btn" disabled={pending}>
        Reset password
      </button>
      <Outcome result={result} testId="reset-password-result" />
    </form>
  );
}

/** Create a service API key; shows it once. */
export function CreateKeyForm() {
  const [result, action, pending] = useActionState<AdminResult | null, FormData>(createApiKey, null);
  return (
    <form action={action} className="admin-form" data-testid="create-key-form">
      <label className="field">
        Service
        <input name="service" required placeholder="payment" className="mono" maxLength={64} />
      </label>
      <button type="submit" className="btn primary" disabled={pending}>
        Create key
      </button>
      <Outcome result={result} testId="create-key-result" />
    </form>
  );
}

/** The revoke button of one key row. */
export function RevokeKeyButton({ id }: { id: string }) {
  const [result, action, pending] = useActionState<AdminResult | null, FormData>(revokeApiKey, null);
  return (
    <form action={action} className="row" style={{ gap: 8 }}>
      <input type="hidden" name="id" value={id} />
      <button type="submit" className="btn small danger" disabled={pending} data-testid={`revoke-${id}`}>
        Revoke
      </button>
      {result && !result.ok && <span className="badge bad">{result.message}</span>}
    </form>
  );
}
