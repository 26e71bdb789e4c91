'use client';
import { useState } from 'react';

type Summary = {
  read: number;
  stored: number;
  rejected: number;
  pending: number;
  rejections: { line?: number; reason: string }[];
};

/** Uploads a log file to `POST /logs/import` (admin-only once roles exist) and shows the import summary. */
export function UploadForm() {
  const [state, setState] = useState<{ busy: boolean; message?: string; ok?: boolean; summary?: Summary }>({
    busy: false,
  });
  async function submit(form: HTMLFormElement) {
    const data = new FormData(form);
    const file = data.get('file');
    if (!(file instanceof File) || file.size === 0)
      return setState({ busy: false, ok: false, message: 'choose a file' });
    setState({ busy: true });
    const params = new URLSearchParams({ name: file.name, format: String(data.get('format') ?? 'auto') });
    const service = String(data.get('service') ?? '').trim();
    if (service) params.set('service', service);
    try {
      const res = await fetch(`/logs/import?${params}`, { method: 'POST', body: file });
      const body = (await res.json()) as Summary & { error?: { message: string } };
      if (!res.ok)
        return setState({ busy: false, ok: false, message: body.error?.message ?? `HTTP ${res.status}` });
      setState({
        busy: false,
        ok: body.pending === 0,
        summary: body,
        message: `read ${body.read}, stored ${body.stored}, rejected ${body.rejected}${body.pending ? `, ${body.pending} pending` : ''}`,
      });
    } catch (error) {
      setState({ busy: false, ok: false, message: (error as Error).message });
    }
  }
  return (
    <form
      className="row"
      style={{ alignItems: 'flex-end', gap: 12 }}
      data-testid="upload-form"
      onSubmit={(event) => {
        event.preventDefault();
        void submit(event.currentTarget);
      }}
    >
      <label className="field" style={{ flex: '2 1 220px', minWidth: 0 }}>
        Log file (NDJSON, JSON array or text; .gz fine)
        <input name="file" type="file" required style={{ maxWidth: '100%', minWidth: 0 }} />
      </label>
      <label className="field" style={{ flex: '1 1 140px' }}>
        Service
        <input name="service" placeholder="from the file name" className="mono" />
      </label>
      <label className="field" style={{ flex: '0 0 110px' }}>
        Format
        <select name="format" defaultValue="auto">
          <option>auto</option>
          <option>ndjson</option>
          <option>json</option>
          <option>text</option>
        </select>
      </label>
      <button type="submit" className="btn primary" disabled={state.busy}>
        {state.busy ? 'Importing…' : 'Import'}
      </button>
      {state.message && (
        <span
          className={`badge ${state.ok ? 'ok' : 'bad'}`}
          role="status"
          style={{ whiteSpace: 'normal', flexBasis: '100%' }}
          data-testid="upload-result"
        >
          {state.message}
          {state.summary?.rejections.slice(0, 5).map((r) => ` · line ${r.line ?? '?'}: ${r.reason}`)}
        </span>
      )}
    </form>
  );
}
