'use client';
import { useActionState } from 'react';
import type { ActionResult } from '@/app/actions';
import { saveRetention } from '@/app/services/actions';

/** Sets a service's retention (days), or clears it with an empty field (server action). */
export function RetentionForm({ services }: { services: string[] }) {
  const [result, action, pending] = useActionState<ActionResult | null, FormData>(saveRetention, null);
  return (
    <form
      action={action}
      className="row"
      style={{ alignItems: 'flex-end', gap: 12 }}
      data-testid="retention-form"
    >
      <label className="field" style={{ flex: '2 1 180px', minWidth: 0 }}>
        Service
        <input name="service" list="retention-services" placeholder="payment" required className="mono" />
        <datalist id="retention-services">
          {services.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
      </label>
      <label className="field" style={{ flex: '1 1 110px', minWidth: 0 }}>
        Keep (days)
        <input name="days" type="number" min={1} max={3650} placeholder="default" />
      </label>
      <button type="submit" className="btn primary" disabled={pending}>
        {pending ? 'Saving…' : 'Save retention'}
      </button>
      {result && (
        <span
          className={`badge ${result.ok ? 'ok' : 'bad'}`}
          role="status"
          style={{ whiteSpace: 'normal', flexBasis: '100%' }}
        >
          {result.message}
        </span>
      )}
    </form>
  );
}
