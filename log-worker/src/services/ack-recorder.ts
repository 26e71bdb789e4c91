import type { AckStore } from '@logstream/ack-store';
import { streamOf, type JobLog } from '@logstream/shared-types';
import type { WriteResult } from '../repositories/log-writer';

/**
 * Advances each stream's persisted watermark after a flush. Duplicates count too: they are stored. Runs inside the
 * flush, so if Redis is unreachable the flush fails, its jobs are retried, and the marks are made on the retry.
 */
export async function recordPersisted(ack: AckStore, result: WriteResult): Promise<void> {
  const byStream = new Map<string, number[]>();
  const add = (log: JobLog) => {
    if (log.seq === undefined) return;
    const stream = streamOf(log);
    byStream.set(stream, [...(byStream.get(stream) ?? []), log.seq]);
  };
  result.inserted.forEach(add);
  result.duplicates.forEach(add);
  for (const [stream, seqs] of byStream) await ack.persist(stream, seqs);
}
