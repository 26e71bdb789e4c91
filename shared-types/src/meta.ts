import { z } from 'zod';
import { LIMITS } from './limits';

type MetaStats = { depth: number; keys: number };

function measure(value: unknown, depth: number, stats: MetaStats): void {
  if (value === null || typeof value !== 'object') return;
  stats.depth = Math.max(stats.depth, depth);
  if (Array.isArray(value)) {
    for (const item of value) measure(item, depth + 1, stats);
    return;
  }
  for (const [, child] of Object.entries(value)) {
    stats.keys += 1;
    measure(child, depth + 1, stats);
  }
}

/** Free-form structured context of a log: a JSON object with bounded depth and key count. */
export const LogMeta = z.record(z.string(), z.unknown()).superRefine((meta, ctx) => {
  const stats: MetaStats = { depth: 0, keys: 0 };
  measure(meta, 1, stats);
  if (stats.depth > LIMITS.maxMetaDepth) {
    ctx.addIssue({
      code: 'custom',
      message: `meta is nested ${stats.depth} deep; at most ${LIMITS.maxMetaDepth}`,
    });
  }
  if (stats.keys > LIMITS.maxMetaKeys) {
    ctx.addIssue({ code: 'custom', message: `meta has ${stats.keys} keys; at most ${LIMITS.maxMetaKeys}` });
  }
});
export type LogMeta = z.infer<typeof LogMeta>;
