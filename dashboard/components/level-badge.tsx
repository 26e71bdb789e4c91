/** A log level as a coloured pill. */
export function LevelBadge({ level }: { level: string }) {
  return <span className={`lv lv-${level}`}>{level}</span>;
}
