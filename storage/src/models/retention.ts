import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

/** Per-service retention overrides: `_id` is the service; logs of it older than `days` are removed. */
export const retentionOverrideSchema = new Schema(
  {
    _id: { type: String, required: true },
    days: { type: Number, required: true, min: 1, max: 3650 },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'retention_overrides', versionKey: false },
);
export type RetentionOverrideDoc = InferSchemaType<typeof retentionOverrideSchema>;
export type RetentionOverrideModel = Model<RetentionOverrideDoc>;

/** One document (`_id: 'sweeper'`): the worker's retention settings and its last sweep, for the dashboard. */
export const retentionStatusSchema = new Schema(
  {
    _id: { type: String, required: true },
    defaultDays: { type: Number, required: true },
    ttlIndex: { type: Boolean, required: true },
    sweepIntervalMs: { type: Number, required: true },
    lastSweepAt: { type: Date, default: null },
    lastSweepDeleted: { type: Schema.Types.Mixed, default: null },
    /** Hour of the oldest minute rollup, where the sweeper's hour walk starts, and when it was read (a scan). */
    walkStart: { type: Date, default: null },
    walkStartReadAt: { type: Date, default: null },
    /** Whether logs stored before the `hour` field existed remain (false once a scan found none; never true again). */
    logsWithoutHour: { type: Boolean, default: null },
  },
  { collection: 'retention_status', versionKey: false },
);
export type RetentionStatusDoc = InferSchemaType<typeof retentionStatusSchema>;
export type RetentionStatusModel = Model<RetentionStatusDoc>;

/** `_id` of the sweeper's status document. */
export const RETENTION_STATUS_ID = 'sweeper';

/** The `retention_overrides` model on a given connection. */
export function retentionOverrideModel(connection: Connection): RetentionOverrideModel {
  return (
    (connection.models.RetentionOverride as RetentionOverrideModel | undefined) ??
    connection.model<RetentionOverrideDoc>('RetentionOverride', retentionOverrideSchema)
  );
}

/** The `retention_status` model on a given connection. */
export function retentionStatusModel(connection: Connection): RetentionStatusModel {
  return (
    (connection.models.RetentionStatus as RetentionStatusModel | undefined) ??
    connection.model<RetentionStatusDoc>('RetentionStatus', retentionStatusSchema)
  );
}
