import type { Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { FaultStore } from '@logstream/ack-store';

/**
 * Obeys the injected `crash-worker` fault: while it is in force the worker takes no new jobs (those it holds finish),
 * then it resumes by itself. Polls the shared fault state.
 */
export class FaultWatcher {
  private timer: NodeJS.Timeout | undefined;
  private crashed = false;

  constructor(
    private readonly workers: Worker[],
    private readonly faults: FaultStore,
    private readonly hooks: { onCrashed: (until: string | null) => void; onRecovered: () => void },
    private readonly logger: Logger,
    private readonly intervalMs = 500,
  ) {}

  start(): void {
    this.timer = setInterval(
      () => void this.check().catch((e: unknown) => this.logger.warn({ err: e }, 'fault check failed')),
      this.intervalMs,
    );
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async check(): Promise<void> {
    const { workerCrashedUntil } = await this.faults.state();
    if (workerCrashedUntil && !this.crashed) {
      this.crashed = true;
      this.logger.warn({ until: workerCrashedUntil }, 'injected crash: not taking jobs');
      // Do not wait for active jobs: their logs are in the buffer and complete on their own.
      await Promise.all(this.workers.map((worker) => worker.pause(true)));
      this.hooks.onCrashed(workerCrashedUntil);
    } else if (!workerCrashedUntil && this.crashed) {
      this.crashed = false;
      for (const worker of this.workers) worker.resume();
      this.logger.info('recovered from injected crash');
      this.hooks.onRecovered();
    }
  }
}
