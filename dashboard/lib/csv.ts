/** Characters that make a spreadsheet read a cell as a formula (or a DDE command) when they open it. */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV field: objects as JSON; a text starting with `=`, `+`, `-`, `@`, tab or CR gets a leading apostrophe so
 * that spreadsheets show it as text instead of running it; quoted when it holds a comma, quote or line break.
 */
export function csvField(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const raw = typeof value === 'object' ? JSON.stringify(value) : String(value);
  const text = FORMULA_START.test(raw) ? `'${raw}` : raw;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
