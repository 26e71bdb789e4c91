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

/** A stream's range to check: seqs 1..highestSeq, of which 1..persistedTill the API called persisted. */
export interface StreamRange {
  stream: string;
  highestSeq: number;
  persistedTill: number;
}

/**
 * Counts a run's logs in MongoDB. A run's logs are the documents whose `stream` is one of the run's streams
 * (`service/<runId>`) with `seq` in the range the run assigned; each run has its own instance, so runs never mix.
 * Each method makes one pass over the run's documents (FerretDB's SQLite backend scans for any filter but `_id`).
 */
export class StoreCheck {
  private readonly logs: LogModel;

  constructor(connection: Connection) {
    this.logs = logModel(connection);
  }

  /** Documents per stream (for progress). */
  async stored(streams: readonly string[]): Promise<Map<string, number>> {
    const rows = await this.logs.aggregate<{ _id: string; n: number }>([
      { $match: { stream: { $in: [...streams] } } },
      { $group: { _id: '$stream', n: { $sum: 1 } } },
    ]);
    return new Map(rows.map((row) => [row._id, row.n]));
  }

  /** Exact counts per stream, read from one snapshot pass: documents, distinct seqs, and distinct seqs ≤ persistedTill. */
  async count(ranges: readonly StreamRange[]): Promise<Map<string, StreamStoreCount>> {
    const byStream = new Map(ranges.map((range) => [range.stream, range]));
    const seen = new Map(ranges.map((range) => [range.stream, new Set<number>()]));
    const result = new Map<string, StreamStoreCount>(
      ranges.map((range) => [range.stream, { documents: 0, distinct: 0, distinctThroughPersisted: 0 }]),
    );
    const cursor = this.logs
      .find({ stream: { $in: [...byStream.keys()] } }, { stream: 1, seq: 1 })
      .lean()
      .cursor();
    for await (const doc of cursor) {
      const range = byStream.get(doc.stream);
      const seq = doc.seq;
      if (!range || typeof seq !== 'number' || seq < 1 || seq > range.highestSeq) continue;
      const counts = result.get(doc.stream) as StreamStoreCount;
      const seqs = seen.get(doc.stream) as Set<number>;
      counts.documents += 1;
      if (seqs.has(seq)) continue;
      seqs.add(seq);
      counts.distinct += 1;
      if (seq <= range.persistedTill) counts.distinctThroughPersisted += 1;
    }
    return result;
  }
}
