import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { NextRequest } from 'next/server';
import { importFile } from '@logstream/log-import';
import { ServiceName } from '@logstream/shared-types';
import { config } from '@/lib/config';
import { currentUser } from '@/lib/session';

/** Largest upload accepted (bytes on the wire; gzip files are inflated while importing, never held in memory). */
const UPLOAD_MAX_BYTES = 1024 * 1024 * 1024;
const FORMATS = ['auto', 'ndjson', 'json', 'text'] as const;

function problem(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status });
}

/**
 * `POST /logs/import?service=&format=&name=` with the file as the request body: the dashboard's upload, the same
 * import as `npm run import` (streamed to a temporary file, then sent through the producer client with the
 * dashboard's ADMIN_KEY). Answers the import summary.
 *
 * Admins only: it writes logs as any service with the admin key.
 */
export async function POST(request: NextRequest): Promise<Response> {
  const user = await currentUser();
  if (!user) return problem(401, 'unauthorized', 'sign in to import logs');
  if (user.role !== 'admin') return problem(403, 'forbidden', 'importing logs is for admins');
  const params = request.nextUrl.searchParams;
  const serviceRaw = params.get('service')?.trim() || undefined;
  const service = serviceRaw === undefined ? undefined : ServiceName.safeParse(serviceRaw);
  if (service && !service.success) {
    return problem(400, 'validation_failed', service.error.issues[0]?.message ?? 'bad service');
  }
  const format = (params.get('format') ?? 'auto') as (typeof FORMATS)[number];
  if (!FORMATS.includes(format)) {
    return problem(400, 'validation_failed', `format must be one of ${FORMATS.join(', ')}`);
  }
  if (!request.body) return problem(400, 'validation_failed', 'send the file as the request body');
  const { adminKey, apiUrl } = config();
  if (!adminKey)
    return problem(503, 'unavailable', 'the dashboard has no ADMIN_KEY to send imported logs with');

  const name = (params.get('name') ?? 'upload').replace(/[^\w.-]+/g, '_').slice(-100) || 'upload';
  const dir = await fs.promises.mkdtemp(
    path.join(/*turbopackIgnore: true*/ os.tmpdir(), 'logstream-upload-'),
  );
  const file = path.join(/*turbopackIgnore: true*/ dir, name);
  try {
    let size = 0;
    const limit = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        done(size > UPLOAD_MAX_BYTES ? new Error('upload too large') : null, chunk);
      },
    });
    try {
      await pipeline(Readable.fromWeb(request.body as never), limit, fs.createWriteStream(file));
    } catch {
      return problem(413, 'payload_too_large', `the upload is larger than ${UPLOAD_MAX_BYTES} bytes`);
    }
    const summary = await importFile({
      config: {
        files: [file],
        url: apiUrl,
        apiKey: adminKey,
        service: service?.data,
        format,
        spoolDir: path.join(/*turbopackIgnore: true*/ dir, 'spool'),
        waitMs: 120_000,
        json: true,
      },
      file,
      onProgress: () => undefined,
      interrupted: () => request.signal.aborted,
    });
    return Response.json({ ...summary, file: name, rejections: summary.rejections.slice(0, 100) });
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}
