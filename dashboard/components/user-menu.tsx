import type { UserRole } from '@logstream/shared-types';
import { signOut } from '@/app/auth-actions';

/** Who is signed in, with which role, and the sign-out button. */
export function UserMenu({ email, role }: { email: string; role: UserRole }) {
  return (
    <div className="user-menu" data-testid="user-menu" data-role={role}>
      <span className="user-email" title={email}>
        {email}
      </span>
      <span className={`badge role-${role}`}>{role}</span>
      <form action={signOut}>
        <button type="submit" className="btn small" data-testid="sign-out">
          Sign out
        </button>
      </form>
    </div>
  );
}
