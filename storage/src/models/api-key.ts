import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import type { ApiKeyInfo } from '@logstream/shared-types';

/**
 * API keys, the durable record (Redis only caches lookups). The key itself is never stored: `hash` is its sha256,
 * unique, so a lookup is one indexed equality query.
 */
export const apiKeySchema = new Schema(
  {
    _id: { type: String, required: true },
    service: { type: String, required: true },
    prefix: { type: String, required: true },
    hash: { type: String, required: true },
    createdAt: { type: Date, required: true },
    revokedAt: { type: Date, default: null },
  },
  { collection: 'api_keys', versionKey: false },
);
apiKeySchema.index({ hash: 1 }, { unique: true });
apiKeySchema.index({ createdAt: 1 });

export type ApiKeyDoc = InferSchemaType<typeof apiKeySchema>;
export type ApiKeyModel = Model<ApiKeyDoc>;

/** The `api_keys` model on a given connection. */
export function apiKeyModel(connection: Connection): ApiKeyModel {
  return (
    (connection.models.ApiKey as ApiKeyModel | undefined) ??
    connection.model<ApiKeyDoc>('ApiKey', apiKeySchema)
  );
}

/** The API shape of a stored key (never its hash). */
export function toApiKeyInfo(doc: ApiKeyDoc & { _id: string }): ApiKeyInfo {
  return {
    id: doc._id,
    service: doc.service,
    prefix: doc.prefix,
    createdAt: new Date(doc.createdAt).toISOString(),
    revokedAt: doc.revokedAt ? new Date(doc.revokedAt).toISOString() : null,
  };
}
