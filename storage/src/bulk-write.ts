/** What a bulk write reports, summed over its commands. */
export interface BulkWriteCounts {
  matchedCount: number;
  modifiedCount: number;
  upsertedCount: number;
}

/** A collection or model that takes bulk writes (the driver's `Collection` and a mongoose `Model` both do). */
export interface BulkWritable<Operation> {
  bulkWrite(operations: Operation[], options: { ordered: boolean }): Promise<BulkWriteCounts>;
}

/**
 * Most statements one `update` command may carry. FerretDB v1 on PostgreSQL holds a pooled PostgreSQL connection for
 * each statement of an `update` command until the command ends, and its pool has 50: a command of more statements
 * waits for itself forever and leaves the server answering nothing, not even `ping` (measured on v1.24.2: 45
 * statements answered in under 0.5 s, 55 never did). MongoDB has no such limit; commands of 40 cost it little.
 */
export const MAX_STATEMENTS_PER_COMMAND = 40;

/**
 * `bulkWrite` in commands of at most MAX_STATEMENTS_PER_COMMAND statements, one command at a time (two at once could
 * hold more connections than the pool has). Ordered: stops at the first failing command, as an ordered bulk write
 * stops at its first error. Unordered: runs every command and then throws the first failure, if any.
 */
export async function bulkWriteInChunks<Operation>(
  target: BulkWritable<Operation>,
  operations: Operation[],
  options: { ordered: boolean },
): Promise<BulkWriteCounts> {
  const counts: BulkWriteCounts = { matchedCount: 0, modifiedCount: 0, upsertedCount: 0 };
  let failure: unknown;
  for (let first = 0; first < operations.length; first += MAX_STATEMENTS_PER_COMMAND) {
    try {
      const result = await target.bulkWrite(
        operations.slice(first, first + MAX_STATEMENTS_PER_COMMAND),
        options,
      );
      counts.matchedCount += result.matchedCount;
      counts.modifiedCount += result.modifiedCount;
      counts.upsertedCount += result.upsertedCount;
    } catch (error) {
      if (options.ordered) throw error;
      failure ??= error;
    }
  }
  if (failure !== undefined) throw failure;
  return counts;
}
