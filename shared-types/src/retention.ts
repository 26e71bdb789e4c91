import { z } from 'zod';
import { ServiceName } from './log';

/** Days logs are kept when nothing else is set (`RETENTION_DAYS`). */
export const DEFAULT_RETENTION_DAYS = 14;

/** A retention in whole days: 1 day to 10 years. */
export const RetentionDays = z.coerce
  .number()
  .int('retention must be a whole number of days')
  .min(1, 'retention must be at least 1 day')
  .max(3650, 'retention must be at most 3650 days');

/** A service's own retention, set from the dashboard's Services page. */
export const ServiceRetention = z.object({ service: ServiceName, days: RetentionDays });
export type ServiceRetention = z.infer<typeof ServiceRetention>;

/** What the worker's retention sweeper last reported (shown on the dashboard). */
export const RetentionStatus = z.object({
  /** `RETENTION_DAYS` of the worker. */
  defaultDays: z.int(),
  /** Whether MongoDB expires logs itself through a TTL index (false on servers without TTL, e.g. FerretDB). */
  ttlIndex: z.boolean(),
  sweepIntervalMs: z.int(),
  lastSweepAt: z.date().nullable(),
  /** Logs, rollup buckets and dead letters removed by the last sweep. */
  lastSweepDeleted: z.object({ logs: z.int(), rollups: z.int(), deadLetters: z.int() }).nullable(),
});
export type RetentionStatus = z.infer<typeof RetentionStatus>;

/** The instant before which a log kept `days` days is removed. */
export function retentionCutoff(now: Date, days: number): Date {
  return new Date(now.getTime() - days * 24 * 60 * 60 * 1000);
}
