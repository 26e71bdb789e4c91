import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { retentionCutoff, type DeadLetterJobData } from '@logstream/shared-types';
import type { Models } from '@logstream/storage';
import type { BatchLimits, RetentionRepo } from '../repositories/retention-repo';
import type { LeaderLock } from '@logstream/runtime';
import { RetentionWalk, type RetentionClass, type WalkBudget } from './retention-walk';

/** Settings of a {@link RetentionSweeper}. */
export interface RetentionOptions {
  defaultDays: number;
  intervalMs: number;
  batchSize: number;
  batchPauseMs: number;
  maxBatchesPerSweep: number;
  /** Dead-letter queue jobs older than this (and stored in MongoDB) leave Redis. */
  deadLetterRedisMs: number;
}

/** What one sweep removed. */
export interface SweepResult {
  logs: number;
  rollups: number;
  deadLetters: number;
  /** Dead-letter queue jobs removed from Redis (their MongoDB copy stays). */
  redisDeadLetters: number;
}

/**
 * Enforces retention: every `intervalMs`, the worker holding the leader lock deletes logs older than their service's
 * retention (override, else `RETENTION_DAYS`), rollup buckets and dead-letter documents older than the longest
 * retention, and drains dead-letter queue jobs that MongoDB already holds out of Redis. Logs go hour by hour (see
 * {@link RetentionWalk}), each delete bounded to one hour or one minute of one service, with pauses, on the worker's own
 * connection, so ingest keeps flowing during a sweep. On MongoDB a TTL index on `ts`
 * (at the longest retention) expires logs as well; FerretDB refuses TTL indexes, so there the sweeper alone does it.
 */
export class RetentionSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private ttlIndex = false;
  /** Whether logs without an `hour` field exist (undefined: not looked yet). */
  private withoutHour: boolean | undefined;
  private readonly walk: RetentionWalk;

  constructor(
    private readonly repo: RetentionRepo,
    private readonly models: Models,
    private readonly deadLetterQueue: Queue<DeadLetterJobData>,
    private readonly lock: LeaderLock,
    private readonly options: RetentionOptions,
    private readonly logger: Logger,
  ) {
    this.walk = new RetentionWalk(repo);
  }

  /** Records the settings, checks for TTL support, and starts the periodic sweep (the first one right away). */
  async start(): Promise<void> {
    const overrides = await this.repo.overrides();
    this.ttlIndex = await this.repo.ensureTtlIndex(this.longestDays(overrides));
    await this.repo.writeStatus({
      defaultDays: this.options.defaultDays,
      ttlIndex: this.ttlIndex,
      sweepIntervalMs: this.options.intervalMs,
    });
    this.logger.info(
      { defaultDays: this.options.defaultDays, ttlIndex: this.ttlIndex, intervalMs: this.options.intervalMs },
      this.ttlIndex
        ? 'retention: TTL index and sweeper'
        : 'retention: no TTL index support; the sweeper enforces it',
    );
    const tick = () => {
      this.running = this.sweepIfLeader()
        .catch((error: unknown) => this.logger.error({ err: error }, 'retention sweep failed'))
        .finally(() => {
          this.running = undefined;
          if (this.timer) this.timer = setTimeout(tick, this.options.intervalMs);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  /** Stops sweeping; waits for a sweep in progress to finish its current batch. */
  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One sweep if this worker gets the leader lock; undefined when another worker holds it. Exposed for tests. */
  async sweepIfLeader(now = new Date()): Promise<SweepResult | undefined> {
    const outcome = await this.lock.runExclusive((signal) => this.sweep(now, signal));
    return outcome.ran ? outcome.result : undefined;
  }

  private longestDays(overrides: Map<string, number>): number {
    return Math.max(this.options.defaultDays, ...overrides.values());
  }

  private async sweep(now: Date, signal: AbortSignal): Promise<SweepResult> {
    const startedAt = Date.now();
    const overrides = await this.repo.overrides();
    const longest = this.longestDays(overrides);
    if (this.ttlIndex) await this.repo.ensureTtlIndex(longest);
    const limits: BatchLimits = {
      batchSize: this.options.batchSize,
      pauseMs: this.options.batchPauseMs,
      maxBatches: this.options.maxBatchesPerSweep,
      signal,
    };
    const classes: RetentionClass[] = [...overrides].map(([service, days]) => ({
      key: service,
      cutoff: retentionCutoff(now, days),
      covers: (name: string) => name === service,
    }));
    classes.push({
      key: '*',
      cutoff: retentionCutoff(now, this.options.defaultDays),
      covers: (name: string) => !overrides.has(name),
    });
    const oldest = retentionCutoff(now, longest);
    const budget: WalkBudget = {
      left: this.options.maxBatchesPerSweep,
      batchSize: this.options.batchSize,
      pause: () => new Promise((resolve) => setTimeout(resolve, this.options.batchPauseMs)),
      signal,
    };
    let { logs, rollups } = await this.walk.pass(classes, oldest, budget, now.getTime());
    const legacy = await this.sweepLogsWithoutHour(classes, oldest, limits);
    logs += legacy.logs;
    rollups += legacy.rollups;
    const deadLetters = await this.repo.deleteInBatches(
      this.models.DeadLetter,
      { failedAt: { $lt: oldest } },
      limits,
    );
    const redisDeadLetters = await this.drainDeadLetterQueue(now);
    const result = { logs, rollups, deadLetters, redisDeadLetters };
    await this.repo.writeStatus({ lastSweepAt: now, lastSweepDeleted: { logs, rollups, deadLetters } });
    this.logger.info({ ...result, ms: Date.now() - startedAt }, 'retention sweep done');
    return result;
  }

  /**
   * Logs and minute rollups stored before documents had an `hour` field can only be found by a range (a scan on
   * FerretDB). Looked for until a scan finds none (recorded in the status document); swept by range, in batches, each
   * sweep until none is left.
   */
  private async sweepLogsWithoutHour(
    classes: RetentionClass[],
    oldest: Date,
    limits: BatchLimits,
  ): Promise<{ logs: number; rollups: number }> {
    if (this.withoutHour === undefined) {
      // Looked for once per database (a scan on FerretDB): new logs always have an `hour`.
      const recorded = (await this.repo.status())?.logsWithoutHour;
      this.withoutHour = recorded === false ? false : await this.repo.hasLogsWithoutHour();
      if (!this.withoutHour) await this.repo.writeStatus({ logsWithoutHour: false });
    }
    if (!this.withoutHour) return { logs: 0, rollups: 0 };
    const { Log, Rollup } = this.models;
    const overridden = classes.filter((retention) => retention.key !== '*').map((retention) => retention.key);
    let logs = 0;
    for (const retention of classes) {
      logs += await this.repo.deleteInBatches(
        Log,
        {
          hour: { $exists: false },
          ts: { $lt: retention.cutoff },
          service: retention.key === '*' ? { $nin: overridden } : retention.key,
        },
        limits,
      );
    }
    const rollups = await this.repo.deleteInBatches(
      Rollup,
      { hour: { $exists: false }, minute: { $lt: oldest } },
      limits,
    );
    this.withoutHour = await this.repo.hasLogsWithoutHour();
    if (!this.withoutHour) await this.repo.writeStatus({ logsWithoutHour: false });
    return { logs, rollups };
  }

  /** Removes dead-letter queue jobs older than `deadLetterRedisMs` whose letter MongoDB holds, oldest first. */
  private async drainDeadLetterQueue(now: Date): Promise<number> {
    const before = now.getTime() - this.options.deadLetterRedisMs;
    const jobs = await this.deadLetterQueue.getJobs(
      ['waiting', 'delayed', 'paused'],
      0,
      this.options.batchSize - 1,
      true,
    );
    const old = jobs.filter((job) => job.timestamp < before && job.id !== undefined);
    if (old.length === 0) return 0;
    const stored = new Set(
      (
        await this.models.DeadLetter.find(
          { _id: { $in: old.map((job) => job.id as string) } },
          { _id: 1 },
        ).lean()
      ).map((doc) => String(doc._id)),
    );
    let removed = 0;
    for (const job of old) {
      if (!stored.has(job.id as string)) continue;
      await job.remove();
      removed += 1;
    }
    return removed;
  }
}
