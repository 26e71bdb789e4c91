import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import { LOG_LEVELS } from '@logstream/shared-types';

/** Collection of stored logs. `_id` is derived (see `deriveLogId`), so a re-delivered log is a duplicate key. */
export const logSchema = new Schema(
  {
    _id: { type: String, required: true },
    service: { type: String, required: true },
    instance: { type: String },
    /** `service` or `service/instance`: the unit seq numbers count in. */
    stream: { type: String, required: true },
    /** The producer session the seq counts in; absent for a client that names none. */
    session: { type: String },
    seq: { type: Number },
    /** Fingerprint of the content as sent (numbered logs): tells a retry from a seq reused for other content. */
    fp: { type: String },
    /** Set on a log stored beside another with the same seq but other content: the `_id` of that other log. */
    conflictOf: { type: String },
    level: { type: String, required: true, enum: LOG_LEVELS },
    message: { type: String, required: true },
    /**
     * The message's distinct lowercased words (`messageWords`): a text search looks one word up by equality. Logs
     * stored before this field existed lack it until `npm run backfill:words` adds it.
     */
    words: { type: [String], default: undefined },
    ts: { type: Date, required: true },
    /** `ts` truncated to the minute: the rollup bucket, stored because `$dateTrunc` is not portable. */
    minute: { type: Date, required: true },
    /**
     * `ts` truncated to the hour: a sparse search reads a whole hour in one equality lookup instead of its minutes.
     * Logs stored before this field existed lack it and are found through their `minute` only.
     */
    hour: { type: Date },
    receivedAt: { type: Date, required: true },
    storedAt: { type: Date, required: true },
    requestId: { type: String },
    /** OpenTelemetry trace and span of the log (32 / 16 lowercase hex digits), when the client sent them. */
    traceId: { type: String },
    spanId: { type: String },
    meta: { type: Schema.Types.Mixed },
    batchId: { type: String, required: true },
    /** `writer:flush` that first stored this log; lets a re-delivery finish that flush's rollup increments. */
    flushRef: { type: String, required: true },
  },
  { collection: 'logs', versionKey: false, minimize: true, strict: true },
);

logSchema.index({ ts: -1 });
logSchema.index({ service: 1, ts: -1 });
logSchema.index({ level: 1, ts: -1 });
logSchema.index({ requestId: 1 });
logSchema.index({ traceId: 1 });
logSchema.index({ stream: 1, session: 1, seq: 1 });
logSchema.index({ flushRef: 1 });
/** The dashboard reads logs one minute bucket at a time, newest first (docs/dashboard.md, "Query plans"). */
logSchema.index({ minute: 1, ts: -1, _id: -1 });
logSchema.index({ hour: 1, ts: -1, _id: -1 });
/** Text search: one word of the query within an hour (a minute bucket's lookup names its hour too); multikey. */
logSchema.index({ words: 1, hour: 1, ts: -1 });

export type LogDoc = InferSchemaType<typeof logSchema>;
export type LogModel = Model<LogDoc>;

/** The `logs` model on a given connection. */
export function logModel(connection: Connection): LogModel {
  return (connection.models.Log as LogModel | undefined) ?? connection.model<LogDoc>('Log', logSchema);
}
