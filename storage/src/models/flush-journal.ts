import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

/**
 * One entry per worker flush, written just before its insert: the `_id`s the flush is about to store. Should the flush
 * fail half-way (a crash, a lost connection), whichever worker meets those logs again finds here which of them that
 * flush stored — by point lookups — and applies its rollup increments exactly once, without scanning the logs.
 * An entry stays until the flush's rollup increments are applied (they may follow the insert by a moment, written
 * together with later flushes'); entries of completed flushes are removed in bulk.
 */
export const flushJournalSchema = new Schema(
  {
    /** The flush: `writer:flush`. */
    _id: { type: String, required: true },
    /** The writer and its flush number (the parts of `_id`), so that a recovery finds a writer's flushes in order. */
    writer: { type: String },
    flush: { type: Number },
    ids: { type: [String], required: true },
    at: { type: Date, required: true },
  },
  { collection: 'flush_journal', versionKey: false },
);
flushJournalSchema.index({ at: 1 });
flushJournalSchema.index({ writer: 1, flush: 1 });

export type FlushJournalDoc = InferSchemaType<typeof flushJournalSchema>;
export type FlushJournalModel = Model<FlushJournalDoc>;

/** The `flush_journal` model on a given connection. */
export function flushJournalModel(connection: Connection): FlushJournalModel {
  return (
    (connection.models.FlushJournal as FlushJournalModel | undefined) ??
    connection.model<FlushJournalDoc>('FlushJournal', flushJournalSchema)
  );
}
