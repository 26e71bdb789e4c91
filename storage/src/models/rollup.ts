import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

/**
 * Per-minute counts of stored logs by service and level, kept with `$inc` as logs are newly stored.
 * `hw` maps a writer id to the last of its flushes applied here, which makes each increment idempotent:
 * a re-delivered flush whose increment already landed is skipped.
 */
export const rollupSchema = new Schema(
  {
    _id: { type: String, required: true },
    minute: { type: Date, required: true },
    /**
     * `minute` truncated to the hour: the key readers look rollups up by (one equality lookup per hour), because a range
     * on `minute` is a full scan on FerretDB. Rollups written before this field existed lack it and are not read.
     */
    hour: { type: Date },
    service: { type: String, required: true },
    level: { type: String, required: true },
    count: { type: Number, required: true, default: 0 },
    hw: { type: Schema.Types.Mixed },
  },
  { collection: 'rollups_minute', versionKey: false, minimize: false },
);

rollupSchema.index({ minute: 1 });
rollupSchema.index({ service: 1, minute: 1 });
rollupSchema.index({ hour: 1, minute: 1 });

export type RollupDoc = InferSchemaType<typeof rollupSchema>;
export type RollupModel = Model<RollupDoc>;

/** The rollup bucket id of a (minute, service, level). */
export function rollupId(minute: Date, service: string, level: string): string {
  return `${minute.toISOString()}|${service}|${level}`;
}

/** The fields a new rollup bucket is created with (its count starts at 0). */
export function rollupBucketFields(minute: Date, service: string, level: string) {
  return { minute, hour: hourOf(minute), service, level };
}

/** Truncates a date to its hour (UTC). */
export function hourOf(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 3_600_000) * 3_600_000);
}

/** Truncates a date to its minute (UTC). */
export function minuteOf(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 60_000) * 60_000);
}

/** The `rollups_minute` model on a given connection. */
export function rollupModel(connection: Connection): RollupModel {
  return (
    (connection.models.Rollup as RollupModel | undefined) ??
    connection.model<RollupDoc>('Rollup', rollupSchema)
  );
}
