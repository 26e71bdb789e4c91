/**
 * MongoDB field names may not contain `.` or start with `$` (FerretDB refuses both), yet producers send such keys
 * (`http.status`, `$ref`). They are stored with look-alike characters and decoded on the way out.
 */
const DOT = '\uff0e';
const DOLLAR = '\uff04';

function mapKeys(value: unknown, mapKey: (key: string) => string): unknown {
  if (Array.isArray(value)) return value.map((item) => mapKeys(item, mapKey));
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) out[mapKey(key)] = mapKeys(child, mapKey);
  return out;
}

/** Makes every key of `meta` storable. */
export function encodeMetaKeys<T>(meta: T): T {
  return mapKeys(meta, (key) => key.replaceAll('.', DOT).replace(/^\$/, DOLLAR)) as T;
}

/** Restores keys written by {@link encodeMetaKeys}. */
export function decodeMetaKeys<T>(meta: T): T {
  return mapKeys(meta, (key) => key.replaceAll(DOT, '.').replace(new RegExp(`^${DOLLAR}`), '$')) as T;
}
