import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** An input file opened for streaming. */
export interface OpenedFile {
  /** The file's content, decompressed when it is gzip (decided by its magic bytes, not its name). */
  stream: Readable;
  gzip: boolean;
  /** Size on disk, for the progress bar. */
  size: number;
  /** Bytes read from disk so far. */
  bytesRead: () => number;
}

function isGzip(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(2);
    const n = fs.readSync(fd, head, 0, 2, 0);
    return n === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    fs.closeSync(fd);
  }
}

/** Opens `file` for streaming, from byte 0, through gunzip when it is gzip; nothing is read into memory up front. */
export function openFile(file: string): OpenedFile {
  const { size } = fs.statSync(file);
  const gzip = isGzip(file);
  const raw = fs.createReadStream(file, { highWaterMark: 256 * 1024 });
  let read = 0;
  raw.on('data', (chunk) => (read += chunk.length));
  let stream: Readable = raw;
  if (gzip) {
    const gunzip = createGunzip();
    raw.on('error', (error) => gunzip.destroy(error));
    stream = raw.pipe(gunzip);
  }
  return { stream, gzip, size, bytesRead: () => read };
}

/** The first `bytes` bytes of the (decompressed) content, to guess its format. */
export async function headOf(file: string, bytes = 64 * 1024): Promise<string> {
  const { stream } = openFile(file);
  let head = '';
  try {
    for await (const chunk of stream) {
      head += (chunk as Buffer).toString('utf8');
      if (head.length >= bytes) break;
    }
  } catch {
    // A truncated gzip still has a usable head; reading the file for real reports the error.
  } finally {
    stream.destroy();
  }
  return head.slice(0, bytes);
}
