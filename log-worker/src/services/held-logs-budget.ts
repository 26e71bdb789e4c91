/** What the budget adjusts: a BullMQ `Worker`'s concurrency (settable while it runs). */
export interface ConcurrencyKnob {
  concurrency: number;
}

/**
 * Keeps the logs held by running jobs near `maxHeldLogs`. BullMQ limits a worker by jobs, but group commit makes a job
 * anything from one log to `GROUP_COMMIT_MAX_LOGS`: 64 jobs of 1 000 logs are 64 000 logs in memory, 64 jobs of one log
 * are too few to fill a batch. So each queue's concurrency follows the size of the jobs seen: `maxHeldLogs` ÷ (job size
 * × queues), between 1 and `maxJobs` per queue. The size estimate rises at once with a larger job (so a backlog of big
 * jobs is throttled from its first one) and falls slowly over a run of smaller ones.
 */
export class HeldLogsBudget {
  private jobLogs: number;

  constructor(
    private readonly knobs: ConcurrencyKnob[],
    private readonly options: { maxHeldLogs: number; maxJobsPerQueue: number },
  ) {
    this.jobLogs = 1;
    this.apply();
  }

  /** Jobs each queue may hold now. */
  get perQueue(): number {
    const fit = Math.floor(this.options.maxHeldLogs / (this.jobLogs * Math.max(1, this.knobs.length)));
    return Math.max(1, Math.min(this.options.maxJobsPerQueue, fit));
  }

  /** Takes in the size of a job just received. */
  observe(logs: number): void {
    this.jobLogs = logs >= this.jobLogs ? logs : this.jobLogs * 0.95 + logs * 0.05;
    this.apply();
  }

  private apply(): void {
    const perQueue = this.perQueue;
    for (const knob of this.knobs) if (knob.concurrency !== perQueue) knob.concurrency = perQueue;
  }
}
