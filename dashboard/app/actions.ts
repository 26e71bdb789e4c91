'use server';
import { revalidatePath } from 'next/cache';
import {
  ControlRequest,
  ControlResult,
  ReplayRequest,
  ReplayTrigger,
  type FaultAction,
} from '@logstream/shared-types';
import { apiPost } from '@/lib/api';
import { authorize } from '@/lib/session';

/** Result of a server action, shown next to the control that ran it. */
export type ActionResult = { ok: boolean; message: string; at: number };

/** The refusal of an action the signed-in user's role does not allow (or of a caller with no session). */
const ADMIN_ONLY: Omit<ActionResult, 'at'> = { ok: false, message: 'refused: this needs an admin' };

/** Runs a fault-injection action through `POST /control` (admins only; the admin key never leaves the server). */
export async function runControl(action: FaultAction, durationMs?: number): Promise<ActionResult> {
  if (!(await authorize('admin'))) return { ...ADMIN_ONLY, at: Date.now() };
  const body = ControlRequest.safeParse({ action, ...(durationMs ? { durationMs } : {}) });
  if (!body.success)
    return { ok: false, message: body.error.issues[0]?.message ?? 'invalid action', at: Date.now() };
  const result = await apiPost('/control', body.data, ControlResult);
  if (!result.ok) return { ok: false, message: `${action} failed: ${result.error}`, at: Date.now() };
  revalidatePath('/');
  const dropped = result.data.dropped !== undefined ? ` (${result.data.dropped} jobs dropped)` : '';
  return { ok: true, message: `${action} sent${dropped}`, at: Date.now() };
}

/** Form action of the manual replay form (admins only): validates, then `POST /replays`. */
export async function triggerReplay(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  if (!(await authorize('admin'))) return { ...ADMIN_ONLY, at: Date.now() };
  const parsed = ReplayTrigger.safeParse({
    stream: String(form.get('stream') ?? '').trim(),
    from: Number(form.get('from')),
    to: Number(form.get('to')),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      message: `${issue?.path.join('.') || 'form'}: ${issue?.message ?? 'invalid'}`,
      at: Date.now(),
    };
  }
  const result = await apiPost('/replays', parsed.data, ReplayRequest);
  if (!result.ok) return { ok: false, message: `Replay not requested: ${result.error}`, at: Date.now() };
  revalidatePath('/replay');
  return {
    ok: true,
    message: `Replay ${result.data.id} of ${result.data.stream} ${result.data.from}–${result.data.to} is ${result.data.status}`,
    at: Date.now(),
  };
}
