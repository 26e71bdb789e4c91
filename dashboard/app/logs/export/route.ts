import type { NextRequest } from 'next/server';
import { parseLogSearch } from '@/lib/log-query';
import { exportRows, type LogRow } from '@/lib/logs-repo';

const CSV_COLUMNS: (keyof LogRow)[] = [
  'ts',
  'level',
  'service',
  'instance',
  'stream',
  'seq',
  'requestId',
  'message',
  'id',
  'meta',
];

/** One CSV field: quoted when it holds a comma, quote or line break; objects as JSON. */
function csvField(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * `GET /logs/export?format=ndjson|csv&<search params>`: the current search (all pages, newest first, at most
 * EXPORT_LIMIT rows) streamed page by page, so memory stays flat whatever the size.
 */
export async function GET(request: NextRequest): Promise<Response> {
  const params = request.nextUrl.searchParams;
  const format = params.get('format') === 'csv' ? 'csv' : 'ndjson';
  const { search } = parseLogSearch(params, new Date());
  const rows = exportRows(search);
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      if (format === 'csv') controller.enqueue(encoder.encode(`${CSV_COLUMNS.join(',')}\n`));
    },
    async pull(controller) {
      try {
        const next = await rows.next();
        if (next.done) {
          controller.close();
          return;
        }
        const row = next.value;
        const line =
          format === 'csv' ? CSV_COLUMNS.map((c) => csvField(row[c])).join(',') : JSON.stringify(row);
        controller.enqueue(encoder.encode(`${line}\n`));
      } catch (error) {
        controller.error(error);
      }
    },
    async cancel() {
      await rows.return(undefined);
    },
  });
  const stamp = new Date().toISOString().slice(0, 19).replaceAll(':', '');
  return new Response(stream, {
    headers: {
      'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      'content-disposition': `attachment; filename="logs-${stamp}.${format === 'csv' ? 'csv' : 'ndjson'}"`,
      'cache-control': 'no-store',
    },
  });
}
