import type { AckStore } from '@logstream/ack-store';
import { groupBy, sequenceSpaceOf, type JobLog } from '@logstream/shared-types';
import type { WriteResult } from '../repositories/log-writer';

/**
 * Advances each sequence space's persisted marks after a flush: one script call per space, all sent in one pipeline
 * (one round trip). Duplicates and conflicts count too: their seqs are stored. Runs inside the flush, so if Redis is
 * unreachable the flush fails, its jobs are retried, and the marks are made on the retry.
 */
export async function recordPersisted(ack: AckStore, result: WriteResult): Promise<void> {
  const numbered = [...result.inserted, ...result.duplicates, ...result.conflicts].filter(
    (log): log is JobLog & { seq: number } => log.seq !== undefined,
  );
  const bySpace = groupBy(numbered, (log) => sequenceSpaceOf(log));
  await ack.persistMany([...bySpace].map(([space, logs]) => ({ space, seqs: logs.map((log) => log.seq) })));
}
