/** One NDJSON body split into items: blank lines skipped, each item remembers its 1-based line. */
export interface NdjsonItems {
  /** Parsed lines; a line that is not JSON is kept as `undefined` so that validation refuses it in place. */
  items: unknown[];
  /** `lines[i]` is the line number of `items[i]`. */
  lines: number[];
  /** Parse error per item index, for lines that are not JSON. */
  parseErrors: Map<number, string>;
}

/** Splits newline-delimited JSON (LF or CRLF) into items; never throws for a bad line. */
export function parseNdjson(text: string): NdjsonItems {
  const result: NdjsonItems = { items: [], lines: [], parseErrors: new Map() };
  const rows = text.split('\n');
  rows.forEach((row, at) => {
    const line = row.endsWith('\r') ? row.slice(0, -1) : row;
    if (line.trim() === '') return;
    const index = result.items.length;
    result.lines.push(at + 1);
    try {
      result.items.push(JSON.parse(line));
    } catch (error) {
      result.items.push(undefined);
      result.parseErrors.set(index, `line is not valid JSON: ${(error as Error).message}`);
    }
  });
  return result;
}
