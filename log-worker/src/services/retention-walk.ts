import { groupBy } from '@logstream/shared-types';
import { hourOf } from '@logstream/storage';
import type { MinuteCount, RetentionRepo } from '../repositories/retention-repo';

const HOUR_MS = 60 * 60 * 1000;
const MINUTE_MS = 60 * 1000;

/** Services that share one retention: a service with its own override, or every other service (the default). */
export interface RetentionClass {
  /** The overridden service's name, or `*` for the default. */
  key: string;
  /** Logs older than this go. */
  cutoff: Date;
  covers: (service: string) => boolean;
}

/** Statements a sweep may still run, and how to pause between them. */
export interface WalkBudget {
  left: number;
  batchSize: number;
  pause: () => Promise<void>;
  signal: AbortSignal;
}

/** What one pass of the walk removed. */
export interface WalkResult {
  logs: number;
  rollups: number;
}

/**
 * Deletes expired logs hour by hour, never by a range over `ts`: a range is a scan of the whole collection on
 * FerretDB, while equality on `hour`/`minute` and `service` is served from an index by every backend (measured on
 * FerretDB/PostgreSQL with 200 000 logs: one hour of one service 0.5 s; the old find-by-range then delete-by-`_id`
 * batch of 1 000, 115 s). The minute rollups say which services an hour holds and how many logs, so an hour that
 * holds at most `batchSize` logs of a service goes in one statement and a fuller one minute by minute.
 *
 * Each retention class keeps a watermark: the hour before which its logs are gone. It only moves past an hour that was
 * deleted completely, so a sweep cut short (statement budget, lost lock) resumes where it stopped. The walk's start is
 * re-read from the oldest rollup (a scan on FerretDB) once a day and kept in the status document for the other
 * workers, so logs stored late with old timestamps (an import) are found within a day.
 */
export class RetentionWalk {
  private readonly watermarks = new Map<string, number>();
  private rollupWatermark: number | undefined;
  private start: number | undefined;
  private startReadAt = 0;

  constructor(
    private readonly repo: RetentionRepo,
    private readonly rescanMs = 24 * HOUR_MS,
  ) {}

  /** Deletes what the classes' cutoffs expire, then the rollups of hours older than `rollupCutoff` that are empty now. */
  async pass(
    classes: RetentionClass[],
    rollupCutoff: Date,
    budget: WalkBudget,
    now = Date.now(),
  ): Promise<WalkResult> {
    if (this.start === undefined) {
      // A worker started lately (or a restarted one) takes the start its predecessors read, while it is fresh.
      const status = await this.repo.status();
      if (
        status?.walkStart &&
        status.walkStartReadAt &&
        now - status.walkStartReadAt.getTime() < this.rescanMs
      ) {
        this.start = status.walkStart.getTime();
        this.startReadAt = status.walkStartReadAt.getTime();
      }
    }
    if (this.start === undefined || now - this.startReadAt >= this.rescanMs) {
      const oldest = await this.repo.oldestRollupHour();
      this.start = oldest?.getTime();
      this.startReadAt = now;
      this.watermarks.clear();
      this.rollupWatermark = undefined;
      await this.repo.writeStatus({ walkStart: oldest ?? null, walkStartReadAt: new Date(now) });
    }
    const start = this.start;
    if (start === undefined) return { logs: 0, rollups: 0 };

    const hours = new Map<number, Promise<MinuteCount[]>>();
    const minutesOf = (hour: number) => {
      let read = hours.get(hour);
      if (!read) hours.set(hour, (read = this.repo.minutesOfHour(new Date(hour))));
      return read;
    };
    let logs = 0;
    for (const retention of classes) {
      let hour = this.watermarks.get(retention.key) ?? start;
      while (hour <= retention.cutoff.getTime() && budget.left > 0 && !budget.signal.aborted) {
        const whole = hour + HOUR_MS <= retention.cutoff.getTime();
        const counts = (await minutesOf(hour)).filter((count) => retention.covers(count.service));
        const outcome = await this.deleteHour(hour, counts, whole ? undefined : retention.cutoff, budget);
        logs += outcome.deleted;
        if (!outcome.complete || !whole) break;
        hour += HOUR_MS;
        this.watermarks.set(retention.key, hour);
      }
    }

    // Rollups go once every class has removed the hour's logs, and only below the longest retention.
    const allGoneBefore = Math.min(
      hourOf(rollupCutoff).getTime(),
      ...classes.map((retention) => this.watermarks.get(retention.key) ?? start),
    );
    let rollups = 0;
    let hour = this.rollupWatermark ?? start;
    while (hour < allGoneBefore && budget.left > 0 && !budget.signal.aborted) {
      rollups += await this.repo.deleteRollupsOfHour(new Date(hour));
      budget.left -= 1;
      hour += HOUR_MS;
      this.rollupWatermark = hour;
      await budget.pause();
    }
    return { logs, rollups };
  }

  /** Deletes one hour's logs of the given services, whole or up to `cutoff`; incomplete when the budget ran out. */
  private async deleteHour(
    hour: number,
    counts: MinuteCount[],
    cutoff: Date | undefined,
    budget: WalkBudget,
  ): Promise<{ deleted: number; complete: boolean }> {
    const byService = groupBy(counts, (count) => count.service);
    let deleted = 0;
    for (const [service, minutes] of byService) {
      const statements = this.statementsFor(service, new Date(hour), minutes, cutoff, budget.batchSize);
      for (const statement of statements) {
        if (budget.left <= 0 || budget.signal.aborted) return { deleted, complete: false };
        deleted += await this.repo.deleteLogs(statement);
        budget.left -= 1;
        await budget.pause();
      }
    }
    return { deleted, complete: true };
  }

  /** The delete statements for one service's hour: one for a small whole hour, else one per minute. */
  private statementsFor(
    service: string,
    hour: Date,
    minutes: MinuteCount[],
    cutoff: Date | undefined,
    batchSize: number,
  ): Parameters<RetentionRepo['deleteLogs']>[0][] {
    const total = minutes.reduce((sum, minute) => sum + minute.count, 0);
    if (cutoff === undefined && total <= batchSize) return [{ service, hour }];
    const statements: Parameters<RetentionRepo['deleteLogs']>[0][] = [];
    for (const { minute } of [...minutes].sort((a, b) => a.minute.getTime() - b.minute.getTime())) {
      if (cutoff === undefined || minute.getTime() + MINUTE_MS <= cutoff.getTime()) {
        statements.push({ service, minute });
      } else if (minute.getTime() < cutoff.getTime()) {
        statements.push({ service, minute, before: cutoff });
      }
    }
    return statements;
  }
}
