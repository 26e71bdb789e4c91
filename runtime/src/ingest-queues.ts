import { Queue, type DefaultJobOptions, type Job, type JobType } from 'bullmq';
import { groupBy, streamOf, type IngestJobData, type QueueLayout } from '@logstream/shared-types';
import type { RedisClient } from './redis';

/** Options of {@link IngestQueues}. */
export interface IngestQueuesOptions {
  /** The deployment's queue layout (`queueLayout`). */
  layout: QueueLayout;
  connection: RedisClient;
  /** BullMQ key prefix (QUEUE_PREFIX). */
  prefix: string;
  /** Job options of the producer side (attempts, backoff, removal). */
  defaultJobOptions?: DefaultJobOptions;
}

/**
 * The K BullMQ ingest queues of a deployment as one: a request's logs go to the queue of their stream (one job per
 * queue the request touches, almost always one), counts add up over every queue, and a job is found by id in any of
 * them. The API, the worker and the board take their queues from here, so every process agrees on names and mapping.
 */
export class IngestQueues {
  /** One BullMQ queue per partition, index = partition. */
  readonly all: Queue<IngestJobData>[];

  /** The layout the queues follow (names, stream → queue). */
  readonly layout: QueueLayout;

  constructor(private readonly options: IngestQueuesOptions) {
    this.layout = options.layout;
    this.all = options.layout.ingest.map(
      (name) =>
        new Queue<IngestJobData>(name, {
          connection: options.connection,
          prefix: options.prefix,
          ...(options.defaultJobOptions && { defaultJobOptions: options.defaultJobOptions }),
        }),
    );
  }

  /** The queue of a stream. */
  forStream(stream: string): Queue<IngestJobData> {
    return this.all[this.options.layout.partitionOfStream(stream)] as Queue<IngestJobData>;
  }

  /**
   * Enqueues a request's logs: as one job `jobId` when all its streams share a queue, else one job per queue, with id
   * `jobId-p<partition>`. Log ids are fixed in the payload, so the split changes nothing a producer sees.
   */
  async add(name: string, data: IngestJobData, jobId: string): Promise<void> {
    const byPartition = groupBy(data.logs, (log) => this.options.layout.partitionOfStream(streamOf(log)));
    if (byPartition.size <= 1) {
      const [partition = 0] = byPartition.keys();
      await (this.all[partition] as Queue<IngestJobData>).add(name, data, { jobId });
      return;
    }
    await Promise.all(
      [...byPartition].map(([partition, logs]) =>
        (this.all[partition] as Queue<IngestJobData>).add(
          name,
          { ...data, logs },
          { jobId: `${jobId}-p${partition}` },
        ),
      ),
    );
  }

  /** The job with this id in whichever queue holds it. */
  async getJob(id: string): Promise<Job<IngestJobData> | undefined> {
    const found = await Promise.all(this.all.map((queue) => queue.getJob(id)));
    return found.find((job): job is Job<IngestJobData> => job !== undefined && job !== null);
  }

  /** Job counts by state, summed over every queue. */
  async getJobCounts(...states: JobType[]): Promise<Record<string, number>> {
    const each = await Promise.all(this.all.map((queue) => queue.getJobCounts(...states)));
    const total: Record<string, number> = {};
    for (const counts of each)
      for (const [state, n] of Object.entries(counts)) total[state] = (total[state] ?? 0) + n;
    return total;
  }

  /** Processes consuming the queues (every worker process consumes all of them, so the first queue's count). */
  getWorkersCount(): Promise<number> {
    return (this.all[0] as Queue<IngestJobData>).getWorkersCount();
  }

  async close(): Promise<void> {
    await Promise.all(this.all.map((queue) => queue.close()));
  }
}
