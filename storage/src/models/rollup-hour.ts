import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

/**
 * Compacted rollups: each hour's counts by service and level, summed from `rollups_minute` by the worker's compactor
 * (again and again while the hour fills, and later to take in late logs). Two documents per hour:
 * - `kind: 'totals'` (`_id` = the hour's ISO time): `counts` per `service|level` for the whole hour. Long ranges
 *   (histograms over a day or a week, 24 h totals) read these: one document per hour, one lookup per day.
 * - `kind: 'minutes'` (`_id` = ISO time + `|m`): `minutes` maps the minute (`00`–`59`) to its counts per
 *   `service|level`. Short ranges and the search's page walk read these: one `_id` lookup per hour instead of up to
 *   60 × services × levels minute documents.
 * `upTo` is where the compaction stopped (the hour's end once it is over): minutes from there on are read from
 * `rollups_minute` directly. A log stored after its minute was compacted (a late flush, a replay, a producer's own old
 * timestamp) makes the worker lower `upTo` to that minute (`$min`), bump `version` and set `stale`, in the same step
 * as its minute increment: readers then take that minute and the later ones from `rollups_minute` until the
 * compactor sums the hour again. The compactor writes only if `version` is still the one it read before summing.
 */
export const rollupHourSchema = new Schema(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true, enum: ['totals', 'minutes'] },
    hour: { type: Date, required: true },
    /** `hour` truncated to the day (UTC): long ranges look hours up one day at a time. */
    day: { type: Date, required: true },
    upTo: { type: Date, required: true },
    total: { type: Number, required: true },
    counts: { type: Schema.Types.Mixed },
    minutes: { type: Schema.Types.Mixed },
    compactedAt: { type: Date, required: true },
    /** Bumped by every late mark; the compactor's write applies only over the version it summed from. */
    version: { type: Number },
    /** Set by a late mark, cleared by the compaction that takes it in. */
    stale: { type: Boolean },
  },
  { collection: 'rollups_hour', versionKey: false, minimize: false },
);

rollupHourSchema.index({ day: 1, kind: 1 });
rollupHourSchema.index({ stale: 1, kind: 1 });

export type RollupHourDoc = InferSchemaType<typeof rollupHourSchema>;
export type RollupHourModel = Model<RollupHourDoc>;

/** Truncates a date to its day (UTC). */
export function dayOf(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 86_400_000) * 86_400_000);
}

/** Id of an hour's document of `kind`. */
export function hourRollupId(hour: Date, kind: 'totals' | 'minutes'): string {
  return kind === 'totals' ? hour.toISOString() : `${hour.toISOString()}|m`;
}

/** The `rollups_hour` model on a given connection. */
export function rollupHourModel(connection: Connection): RollupHourModel {
  return (
    (connection.models.RollupHour as RollupHourModel | undefined) ??
    connection.model<RollupHourDoc>('RollupHour', rollupHourSchema)
  );
}
