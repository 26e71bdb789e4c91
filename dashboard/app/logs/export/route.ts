import type { NextRequest } from 'next/server';
import { csvField } from '@/lib/csv';
import { parseLogSearch } from '@/lib/log-query';
import { exportRows, type LogRow } from '@/lib/logs-repo';
import { authorize } from '@/lib/session';

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

/**
 * `GET /logs/export?format=ndjson|csv&<search params>`: the current search (all pages, newest first, at most
 * EXPORT_LIMIT rows) streamed page by page, so memory stays flat whatever the size. Signed-in users only; CSV cells
 * that would start a spreadsheet formula are neutralised.
 */
export async function GET(request: NextRequest): Promise<Response> {
  if (!(await authorize('viewer'))) {
    return Response.json(
      { error: { code: 'unauthorized', message: 'sign in to export logs' } },
      { status: 401, headers: { 'cache-control': 'no-store' } },
    );
  }
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
