import type { IncomingHttpHeaders } from 'node:http';

/**
 * The key a request presents: `x-api-key`, else `Authorization: Bearer <key>`, else (when `allowBasic`) the password
 * of `Authorization: Basic` so that a browser can open the admin board. Undefined when none is given.
 */
export function presentedKey(headers: IncomingHttpHeaders, allowBasic = false): string | undefined {
  const header = headers['x-api-key'];
  const direct = Array.isArray(header) ? header[0] : header;
  if (direct && direct.trim() !== '') return direct.trim();
  const authorization = headers.authorization;
  if (!authorization) return undefined;
  const [scheme, value] = authorization.trim().split(/\s+/, 2);
  if (!scheme || !value) return undefined;
  if (scheme.toLowerCase() === 'bearer') return value;
  if (allowBasic && scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const password = colon >= 0 ? decoded.slice(colon + 1) : '';
    return password === '' ? undefined : password;
  }
  return undefined;
}
