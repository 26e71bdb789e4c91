import { z } from 'zod';

/** Log levels, lowest first. Stored lowercase. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export const LogLevel = z.enum(LOG_LEVELS);
export type LogLevel = z.infer<typeof LogLevel>;

/** Common spellings producers send, mapped to the canonical level. Matched case-insensitively. */
const LEVEL_ALIASES: Record<string, LogLevel> = {
  trace: 'trace',
  verbose: 'debug',
  debug: 'debug',
  info: 'info',
  information: 'info',
  notice: 'info',
  warn: 'warn',
  warning: 'warn',
  err: 'error',
  error: 'error',
  crit: 'fatal',
  critical: 'fatal',
  fatal: 'fatal',
  panic: 'fatal',
  emerg: 'fatal',
};

/** Maps a producer's spelling (`WARN`, `warning`, `Err` …) to a canonical level, or undefined when unknown. */
export function normalizeLevel(raw: string): LogLevel | undefined {
  return LEVEL_ALIASES[raw.trim().toLowerCase()];
}

/** Accepts any known spelling of a level and outputs the canonical lowercase one. */
export const LevelInput = z.string().transform((raw, ctx): LogLevel => {
  const level = normalizeLevel(raw);
  if (!level) {
    ctx.addIssue({
      code: 'custom',
      message: `unknown level "${raw.slice(0, 40)}"; use one of ${LOG_LEVELS.join(', ')}`,
    });
    return z.NEVER;
  }
  return level;
});
