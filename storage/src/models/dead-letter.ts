import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

/** Jobs that failed every attempt: their logs and the reason, kept for inspection and retry. */
export const deadLetterSchema = new Schema(
  {
    /** The BullMQ job id (the request's batchId). */
    _id: { type: String, required: true },
    batchId: { type: String, required: true },
    reason: { type: String, required: true },
    attemptsMade: { type: Number, required: true },
    logCount: { type: Number, required: true },
    /** The job's logs as they were enqueued. */
    logs: { type: [Schema.Types.Mixed], default: [] },
    failedAt: { type: Date, required: true },
    retriedAt: { type: Date, default: null },
  },
  { collection: 'dead_letters', versionKey: false },
);
deadLetterSchema.index({ failedAt: -1 });

export type DeadLetterDoc = InferSchemaType<typeof deadLetterSchema>;
export type DeadLetterModel = Model<DeadLetterDoc>;

/** The `dead_letters` model on a given connection. */
export function deadLetterModel(connection: Connection): DeadLetterModel {
  return (
    (connection.models.DeadLetter as DeadLetterModel | undefined) ??
    connection.model<DeadLetterDoc>('DeadLetter', deadLetterSchema)
  );
}
