import { normalizeLevel, type LogLevel } from '@logstream/shared-types';

/** What a plain text line says: its level, message and, when it starts with one, its timestamp. */
export interface TextLog {
  level: LogLevel;
  message: string;
  timestamp?: string;
}

// `2026-11-22T10:32:00Z`, `2026-11-22 10:32:00,123`, `2026-11-22T10:32:00.123+01:00`, optionally in brackets.
const TIMESTAMP =
  /^\[?(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:[.,](\d{1,9}))?\s?(Z|[+-]\d{2}:?\d{2})?\]?\s+/;
// A level word that is marked as one: upper case (`INFO`), in brackets (`[warn]`), with a colon (`error:`) or as
// `level=debug`. A plain word such as "Error reading file" stays part of the message.
const LEVEL = /^(level=)?([[(<])?([A-Za-z]{3,11})([\])>])?(:)?(?:\s+|$)/;

function isoOf(date: string, time: string, fraction: string | undefined, zone: string | undefined): string {
  const ms = (fraction ?? '').padEnd(3, '0').slice(0, 3);
  // No zone written: read as UTC (the dashboard shows UTC).
  const offset = zone === undefined || zone === 'Z' ? 'Z' : zone.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
  return `${date}T${time}.${ms}${offset}`;
}

/**
 * Reads one line of a plain text log. A leading timestamp and a level word are recognised and removed from the
 * message; otherwise the whole line is the message at `info`.
 */
export function parseTextLine(line: string): TextLog {
  let rest = line.trimEnd();
  let timestamp: string | undefined;
  const time = TIMESTAMP.exec(rest);
  if (time) {
    const candidate = isoOf(time[1] as string, time[2] as string, time[3], time[4]);
    if (!Number.isNaN(Date.parse(candidate))) {
      timestamp = candidate;
      rest = rest.slice(time[0].length);
    }
  }
  let level: LogLevel = 'info';
  const word = LEVEL.exec(rest);
  const text = word?.[3] ?? '';
  const marked = word !== null && (word[1] || word[2] || word[4] || word[5] || text === text.toUpperCase());
  const known = marked ? normalizeLevel(text) : undefined;
  if (word && known) {
    level = known;
    rest = rest.slice(word[0].length);
  }
  const message = rest.trim().length > 0 ? rest : line.trim();
  return { level, message, ...(timestamp !== undefined && { timestamp }) };
}
