import type { z } from 'zod';
import { config } from './config';

/** Outcome of a server-side call to the ingestion API: never throws, so pages degrade instead of failing. */
export type ApiResult<T> = { ok: true; data: T } | { ok: false; error: string };

async function call<T>(path: string, schema: z.ZodType<T>, init: RequestInit = {}): Promise<ApiResult<T>> {
  const { apiUrl, apiTimeoutMs, adminKey } = config();
  try {
    const headers = new Headers(init.headers);
    // Every API route but health needs a key under AUTH_REQUIRED; callers check the user's role before calling.
    if (adminKey) headers.set('x-api-key', adminKey);
    const response = await fetch(`${apiUrl}${path}`, {
      ...init,
      headers,
      cache: 'no-store',
      signal: AbortSignal.timeout(apiTimeoutMs),
    });
    const body: unknown = await response.json().catch(() => undefined);
    if (!response.ok) {
      const message = (body as { error?: { message?: string } } | undefined)?.error?.message;
      return { ok: false, error: `${response.status} ${message ?? response.statusText}` };
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success)
      return { ok: false, error: `unexpected answer from ${path}: ${parsed.error.issues[0]?.message}` };
    return { ok: true, data: parsed.data };
  } catch (error) {
    const reason =
      error instanceof Error ? (error.name === 'TimeoutError' ? 'timed out' : error.message) : String(error);
    return { ok: false, error: `API unreachable (${reason})` };
  }
}

/** `GET path` on the ingestion API, validated with `schema`. */
export function apiGet<T>(path: string, schema: z.ZodType<T>): Promise<ApiResult<T>> {
  return call(path, schema);
}

/** `POST path` with a JSON body, validated with `schema`. */
export function apiPost<T>(path: string, body: unknown, schema: z.ZodType<T>): Promise<ApiResult<T>> {
  return call(path, schema, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
}

/** `DELETE path` on the ingestion API, validated with `schema`. */
export function apiDelete<T>(path: string, schema: z.ZodType<T>): Promise<ApiResult<T>> {
  return call(path, schema, { method: 'DELETE' });
}
