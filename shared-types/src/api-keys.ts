import { z } from 'zod';
import { ServiceName } from './log';

/** A stored API key as listed by `GET /keys` and `npm run keys -- list`; the key itself is never stored. */
export const ApiKeyInfo = z.object({
  /** Stable id used to revoke the key. */
  id: z.string(),
  /** The service whose logs this key may send. */
  service: ServiceName,
  /** The key's first characters, to recognise it. */
  prefix: z.string(),
  createdAt: z.iso.datetime(),
  /** When the key was revoked, or null while it is valid. */
  revokedAt: z.iso.datetime().nullable(),
});
export type ApiKeyInfo = z.infer<typeof ApiKeyInfo>;

/** Body of `POST /keys`. */
export const CreateApiKeyRequest = z.object({ service: ServiceName }).strict();
export type CreateApiKeyRequest = z.infer<typeof CreateApiKeyRequest>;

/** Answer of `POST /keys` (201): the only time the key is shown. */
export const CreatedApiKey = ApiKeyInfo.extend({ key: z.string() });
export type CreatedApiKey = z.infer<typeof CreatedApiKey>;
