'use server';
import { revalidatePath } from 'next/cache';
import { ApiKeyInfo, CreatedApiKey, CreateApiKeyRequest, UserRole } from '@logstream/shared-types';
import { UserAccountError } from '@logstream/storage';
import { accounts } from '@/lib/accounts';
import { apiDelete, apiPost } from '@/lib/api';
import { authorize } from '@/lib/session';

/** Result of an admin action, shown next to its form; `secret` is a new API key, shown this once. */
export type AdminResult = { ok: boolean; message: string; secret?: string; at: number };

const refused = (): AdminResult => ({ ok: false, message: 'refused: this needs an admin', at: Date.now() });
const text = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
};

/** Messages of the user store are fit to show; anything else is logged by Next and answered generically. */
function failure(error: unknown, what: string): AdminResult {
  if (error instanceof UserAccountError) return { ok: false, message: error.message, at: Date.now() };
  throw new Error(`${what} failed`, { cause: error });
}

/** Creates a dashboard user (admins only). */
export async function createUser(_previous: AdminResult | null, form: FormData): Promise<AdminResult> {
  if (!(await authorize('admin'))) return refused();
  const role = UserRole.safeParse(text(form, 'role'));
  if (!role.success) return { ok: false, message: 'role must be viewer or admin', at: Date.now() };
  try {
    const user = await (
      await accounts()
    ).create({
      email: text(form, 'email'),
      role: role.data,
      password: text(form, 'password'),
    });
    revalidatePath('/admin');
    return { ok: true, message: `Created ${user.role} ${user.email}.`, at: Date.now() };
  } catch (error) {
    return failure(error, 'creating the user');
  }
}

/** Sets a user's password, ending their sessions (admins only). */
export async function resetPassword(_previous: AdminResult | null, form: FormData): Promise<AdminResult> {
  if (!(await authorize('admin'))) return refused();
  try {
    const user = await (await accounts()).resetPassword(text(form, 'email'), text(form, 'password'));
    revalidatePath('/admin');
    return {
      ok: true,
      message: `New password set for ${user.email}; their sessions have ended.`,
      at: Date.now(),
    };
  } catch (error) {
    return failure(error, 'resetting the password');
  }
}

/** Creates a service API key through the API (admins only); the key is returned once. */
export async function createApiKey(_previous: AdminResult | null, form: FormData): Promise<AdminResult> {
  if (!(await authorize('admin'))) return refused();
  const body = CreateApiKeyRequest.safeParse({ service: text(form, 'service').trim() });
  if (!body.success)
    return { ok: false, message: body.error.issues[0]?.message ?? 'invalid service', at: Date.now() };
  const result = await apiPost('/keys', body.data, CreatedApiKey);
  if (!result.ok) return { ok: false, message: `Key not created: ${result.error}`, at: Date.now() };
  revalidatePath('/admin');
  return {
    ok: true,
    message: `Key ${result.data.id} for "${result.data.service}" created. Copy it now; it is not shown again.`,
    secret: result.data.key,
    at: Date.now(),
  };
}

/** Revokes an API key by id through the API (admins only). */
export async function revokeApiKey(_previous: AdminResult | null, form: FormData): Promise<AdminResult> {
  if (!(await authorize('admin'))) return refused();
  const id = text(form, 'id');
  if (!/^[a-f0-9]{1,64}$/.test(id)) return { ok: false, message: 'invalid key id', at: Date.now() };
  const result = await apiDelete(`/keys/${id}`, ApiKeyInfo);
  if (!result.ok) return { ok: false, message: `Key not revoked: ${result.error}`, at: Date.now() };
  revalidatePath('/admin');
  return { ok: true, message: `Key ${id} of "${result.data.service}" revoked.`, at: Date.now() };
}
