import clusterKeySlot from 'cluster-key-slot';
import { parseSequenceSpace } from './log';

/** BullMQ queue names shared by the API (producer side) and the worker (consumer side), on one Redis with one queue. */
export const QUEUE_NAMES = {
  /** One job per accepted `POST /ingest` request. */
  ingest: 'logs-ingest',
  /** One job per ingest job that failed its last attempt: shown on the board, retried from the API. */
  deadLetter: 'logs-dead-letter',
} as const;

/** Default BullMQ key prefix; tests use their own so that runs never meet. */
export const DEFAULT_QUEUE_PREFIX = 'logstream';

/** Hash slots of a Redis Cluster. */
const CLUSTER_SLOTS = 16_384;

/** What decides the queue names: how many ingest queues (K), and whether Redis is a cluster. */
export interface QueueLayoutOptions {
  /** K, the number of ingest queues (QUEUE_PARTITIONS). */
  partitions: number;
  /** Redis is a cluster: every queue's keys need one hash tag even when K is 1. */
  cluster: boolean;
}

/**
 * The deployment's BullMQ queues, named once here for the API, the worker, the board and the benchmarks.
 * - One queue on one Redis (K = 1, no cluster): the plain names of {@link QUEUE_NAMES}, as always.
 * - Otherwise each queue's name carries a hash tag (`logs-ingest{2-5}`), so BullMQ's keys of one queue share a slot and
 *   its scripts run on a cluster. The tag of ingest queue i is the first `i-n` whose slot falls in the i-th K-th of
 *   the slot range, so K queues spread evenly over the masters of a cluster whose masters hold even slot ranges
 *   (what `redis-cli --cluster create` makes).
 * - A stream always maps to the same ingest queue (CRC16 of its name, modulo K), so its logs and the replay watcher's
 *   work on it stay with one queue.
 */
export interface QueueLayout {
  /** The K ingest queue names, index = partition. */
  ingest: readonly string[];
  /** The dead-letter queue's name. */
  deadLetter: string;
  /** The ingest queue index (partition) of a stream (`service` or `service/instance`). */
  partitionOfStream(stream: string): number;
  /** The partition of a sequence space (`stream` or `stream#session`): its stream's. */
  partitionOfSpace(space: string): number;
}

/** The hash tag of ingest queue `index` of `partitions`: the first `index-n` whose slot lies in its share of slots. */
function ingestTag(index: number, partitions: number): string {
  const from = Math.floor((index * CLUSTER_SLOTS) / partitions);
  const to = Math.floor(((index + 1) * CLUSTER_SLOTS) / partitions);
  for (let attempt = 0; ; attempt += 1) {
    const tag = `${index}-${attempt}`;
    const slot = clusterKeySlot(tag);
    if (slot >= from && slot < to) return tag;
  }
}

/** The queue layout of a deployment (see {@link QueueLayout}). */
export function queueLayout(options: QueueLayoutOptions): QueueLayout {
  const partitions = Math.max(1, Math.floor(options.partitions));
  const tagged = options.cluster || partitions > 1;
  const ingest = tagged
    ? Array.from(
        { length: partitions },
        (_, index) => `${QUEUE_NAMES.ingest}{${ingestTag(index, partitions)}}`,
      )
    : [QUEUE_NAMES.ingest];
  const partitionOfStream = (stream: string) => (partitions === 1 ? 0 : clusterKeySlot(stream) % partitions);
  return {
    ingest,
    deadLetter: tagged ? `${QUEUE_NAMES.deadLetter}{dl}` : QUEUE_NAMES.deadLetter,
    partitionOfStream,
    partitionOfSpace: (space) => partitionOfStream(parseSequenceSpace(space).stream),
  };
}
