import type { Metadata } from 'next';
import { z } from 'zod';
import { ApiKeyInfo } from '@logstream/shared-types';
import { EmptyState } from '@/components/empty-state';
import { accounts } from '@/lib/accounts';
import { apiGet } from '@/lib/api';
import { requireUser } from '@/lib/session';
import { CreateKeyForm, CreateUserForm, ResetPasswordForm, RevokeKeyButton } from './admin-forms';

export const metadata: Metadata = { title: 'Admin' };

const KeyList = z.object({ keys: z.array(ApiKeyInfo) });
const day = (iso: string) => iso.slice(0, 10);

/** `/admin`: users (create, reset password) and service API keys (create, revoke). Admins only. */
export default async function AdminPage() {
  const user = await requireUser();
  if (user.role !== 'admin') {
    return (
      <section className="card" data-testid="admin-refused">
        <h1>Admins only</h1>
        <p className="muted">Your role ({user.role}) can read every page but not manage users or keys.</p>
      </section>
    );
  }
  const [users, keys] = await Promise.all([(await accounts()).list(), apiGet('/keys', KeyList)]);
  return (
    <>
      <header className="page-head">
        <div>
          <h1>Admin</h1>
          <p>Who may sign in, and which services may send logs</p>
        </div>
      </header>
      <div className="grid grid-2">
        <section className="card">
          <div className="card-head">
            <h2>Users</h2>
            <span className="badge">{users.length}</span>
          </div>
          <div className="table-wrap">
            <table data-testid="users-table">
              <thead>
                <tr>
                  <th>E-mail</th>
                  <th>Role</th>
                  <th>Created</th>
                </tr>
              </thead>
              <tbody>
                {users.map((u) => (
                  <tr key={u.id}>
                    <td>{u.email}</td>
                    <td>
                      <span className={`badge role-${u.role}`}>{u.role}</span>
                    </td>
                    <td className="mono faint nowrap" title={`password set ${u.passwordChangedAt}`}>
                      {day(u.createdAt)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h3>New user</h3>
          <CreateUserForm />
          <h3>Reset a password</h3>
          <ResetPasswordForm emails={users.map((u) => u.email)} />
        </section>
        <section className="card">
          <div className="card-head">
            <h2>API keys</h2>
            {keys.ok && (
              <span className="badge">{keys.data.keys.filter((k) => !k.revokedAt).length} active</span>
            )}
          </div>
          <p className="muted" style={{ marginTop: 0 }}>
            A key may send and read the logs of its own service only. Send it as <code>x-api-key</code>.
          </p>
          {!keys.ok ? (
            <p className="notice bad">The API did not list keys: {keys.error}</p>
          ) : keys.data.keys.length === 0 ? (
            <EmptyState title="No API keys yet">Create one for each service that sends logs.</EmptyState>
          ) : (
            <div className="table-wrap">
              <table data-testid="keys-table">
                <thead>
                  <tr>
                    <th>Service</th>
                    <th>Key</th>
                    <th>Created</th>
                    <th>State</th>
                  </tr>
                </thead>
                <tbody>
                  {keys.data.keys.map((k) => (
                    <tr key={k.id} data-testid="key-row" data-key-id={k.id}>
                      <td>{k.service}</td>
                      <td className="mono">{k.prefix}…</td>
                      <td className="mono faint nowrap">{day(k.createdAt)}</td>
                      <td>
                        {k.revokedAt ? <span className="badge">revoked</span> : <RevokeKeyButton id={k.id} />}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <h3>New key</h3>
          <CreateKeyForm />
        </section>
      </div>
    </>
  );
}
