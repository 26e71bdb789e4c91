'use client';
import { useActionState } from 'react';
import { triggerReplay, type ActionResult } from '@/app/actions';

/** Manual replay trigger: asks the producer of `stream` to resend seqs from..to (server action → POST /replays). */
export function ReplayForm({ streams }: { streams: string[] }) {
  const [result, action, pending] = useActionState<ActionResult | null, FormData>(triggerReplay, null);
  return (
    <form
      action={action}
      className="row"
      style={{ alignItems: 'flex-end', gap: 12 }}
      data-testid="replay-form"
    >
      <label className="field" style={{ flex: '2 1 200px' }}>
        Stream
        <input name="stream" list="replay-streams" placeholder="payment/eu-1" required className="mono" />
        <datalist id="replay-streams">
          {streams.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
      </label>
      <label className="field" style={{ flex: '1 1 90px' }}>
        From seq
        <input name="from" type="number" min={1} required />
      </label>
      <label className="field" style={{ flex: '1 1 90px' }}>
        To seq
        <input name="to" type="number" min={1} required />
      </label>
      <button type="submit" className="btn primary" disabled={pending}>
        {pending ? 'Requesting…' : 'Request replay'}
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
