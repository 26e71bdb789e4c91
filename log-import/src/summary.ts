import type { ImportSummary } from './import-run';

/** The human summary of one file's import. */
export function formatSummary(summary: ImportSummary, shownRejections = 20): string {
  if (summary.alreadyComplete) {
    return `${summary.file}: already imported (import ${summary.id}); nothing to do. Remove its directory under the spool dir to import it again.`;
  }
  const lines = [
    `${summary.file} (${summary.format}${summary.gzip ? ', gzip' : ''}, import ${summary.id})`,
    `  read      ${summary.read}${summary.resumedAfter > 0 ? ` (resumed after line ${summary.resumedAfter})` : ''}`,
    `  sent      ${summary.sent}`,
    `  stored    ${summary.stored}`,
    `  rejected  ${summary.rejected}`,
    `  time      ${summary.seconds.toFixed(1)} s, ${summary.rate} logs/s stored`,
  ];
  if (summary.pending > 0) {
    lines.push(
      `  pending   ${summary.pending} not yet stored; they stay in the spool: run the same command again`,
    );
  }
  for (const { line, reason } of summary.rejections.slice(0, shownRejections)) {
    lines.push(`    line ${line ?? '?'}: ${reason}`);
  }
  if (summary.rejected > shownRejections) {
    lines.push(`    … and ${summary.rejected - shownRejections} more (use --json for up to 1000)`);
  }
  return lines.join('\n');
}
