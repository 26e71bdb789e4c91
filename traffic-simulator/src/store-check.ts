import type { Connection } from 'mongoose';
import { logModel, type LogModel } from '@logstream/storage';

/** What MongoDB holds for one stream of the run. */
export interface StreamStoreCount {
  /** Documents of the stream with seq in 1..highestSeq. */
  documents: number;
  /** Distinct seqs among them; `documents - distinct` are duplicates. */
  distinct: number;
  /** Distinct seqs ≤ persistedTill: the rest of 1..persistedTill was acknowledged persisted but is absent (lost). */
  distinctThroughPersisted: number;
}

/**
 * Counts a run's logs in MongoDB. A run's logs are the documents whose `stream` is one of the run's streams
 * (`service/<runId>`) with `seq` in the range the run assigned; each run has its own instance, so runs never mix.
 */
export class StoreCheck {
  private readonly logs: LogModel;

  constructor(connection: Connection) {
    this.logs = logModel(connection);
  }

  /** Documents of a stream with seq in 1..highestSeq (fast, for progress). */
  async stored(stream: string, highestSeq: number): Promise<number> {
    if (highestSeq < 1) return 0;
    return this.logs.countDocuments({ stream, seq: { $gte: 1, $lte: highestSeq } });
  }

  /** Full count of one stream, with duplicates and what is missing under persistedTill. */
  async count(stream: string, highestSeq: number, persistedTill: number): Promise<StreamStoreCount> {
    if (highestSeq < 1) return { documents: 0, distinct: 0, distinctThroughPersisted: 0 };
    const filter = { stream, seq: { $gte: 1, $lte: highestSeq } };
    const [documents, seqs] = await Promise.all([
      this.logs.countDocuments(filter),
      this.logs.distinct('seq', filter) as Promise<number[]>,
    ]);
    return {
      documents,
      distinct: seqs.length,
      distinctThroughPersisted: seqs.filter((seq) => seq <= persistedTill).length,
    };
  }
}
