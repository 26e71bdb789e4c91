'use server';
import { revalidatePath } from 'next/cache';
import { ServiceRetention } from '@logstream/shared-types';
import type { ActionResult } from '@/app/actions';
import { setServiceRetention } from '@/lib/retention-repo';
import { authorize } from '@/lib/session';

/**
 * Form action of the retention form: sets a service's retention in days, or removes its override when `days` is
 * empty. Admins only: the server refuses anyone else, whatever the page showed.
 */
export async function saveRetention(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  if (!(await authorize('admin')))
    return { ok: false, message: 'changing retention is for admins', at: Date.now() };
  const service = String(form.get('service') ?? '').trim();
  const rawDays = String(form.get('days') ?? '').trim();
  const parsed = ServiceRetention.safeParse({ service, days: rawDays === '' ? 1 : rawDays });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      message: `${issue?.path.join('.') || 'form'}: ${issue?.message ?? 'invalid'}`,
      at: Date.now(),
    };
  }
  const days = rawDays === '' ? null : parsed.data.days;
  await setServiceRetention(parsed.data.service, days);
  revalidatePath('/services');
  return {
    ok: true,
    message:
      days === null
        ? `${service} now follows the default retention`
        : `${service} keeps its logs ${days} day${days === 1 ? '' : 's'}`,
    at: Date.now(),
  };
}
