import { createInterface } from 'node:readline';
import type { Duplex, Readable } from 'node:stream';

/** The formats the importer reads. */
export type ImportFormat = 'ndjson' | 'json' | 'text';

/** One record of an input file: its line (item number in a JSON array) and what it holds. */
export type FileRecord =
  | { line: number; kind: 'text'; text: string }
  | { line: number; kind: 'value'; value: unknown }
  | { line: number; kind: 'error'; error: string };

/**
 * stream-json's array streamer. stream-json publishes its streamers only as package "exports" subpaths, which the
 * repo's node10 module resolution cannot type; Node (and bundlers) resolve them at run time. Loaded on first use.
 */
function arrayStreamer(): Duplex {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const module = require('stream-json/streamers/stream-array.js') as {
    streamArray: { withParserAsStream: () => Duplex };
  };
  return module.streamArray.withParserAsStream();
}

/** Picks a format from the file name, else from the first non-blank character of its content. */
export function guessFormat(file: string, head: string): ImportFormat {
  const name = file.toLowerCase().replace(/\.gz$/, '');
  if (/\.(ndjson|jsonl)$/.test(name)) return 'ndjson';
  if (name.endsWith('.json')) return head.trimStart().startsWith('[') ? 'json' : 'ndjson';
  if (/\.(log|txt)$/.test(name)) return 'text';
  const first = head.trimStart()[0];
  if (first === '[') return 'json';
  if (first === '{') return 'ndjson';
  return 'text';
}

async function* lines(stream: Readable): AsyncGenerator<{ line: number; text: string }> {
  const reader = createInterface({ input: stream, crlfDelay: Infinity });
  let line = 0;
  for await (const text of reader) {
    line += 1;
    if (text.trim() !== '') yield { line, text };
  }
}

/**
 * Streams the records of a file's content: one per non-blank line (text, NDJSON) or per array item (JSON).
 * A line that is not JSON is an `error` record; a JSON file that is not an array of values throws.
 */
export async function* readRecords(stream: Readable, format: ImportFormat): AsyncGenerator<FileRecord> {
  if (format === 'json') {
    const items = stream.pipe(arrayStreamer());
    stream.on('error', (error) => items.destroy(error));
    for await (const item of items as AsyncIterable<{ key: number; value: unknown }>) {
      yield { line: item.key + 1, kind: 'value', value: item.value };
    }
    return;
  }
  for await (const { line, text } of lines(stream)) {
    if (format === 'text') {
      yield { line, kind: 'text', text };
      continue;
    }
    let record: FileRecord;
    try {
      record = { line, kind: 'value', value: JSON.parse(text) as unknown };
    } catch (error) {
      record = { line, kind: 'error', error: `not valid JSON: ${(error as Error).message}` };
    }
    yield record;
  }
}
