import { MultiBar, Presets, type SingleBar } from 'cli-progress';

/** One service's live numbers. */
export interface ServiceProgress {
  service: string;
  sent: number;
  acknowledged: number;
  stored: number;
  /** Logs per second sent over the last update interval. */
  rate: number;
}

/** `bars` on a terminal, `lines` when stdout is piped, `silent` with --json. */
export type ProgressMode = 'bars' | 'lines' | 'silent';

/** Picks the mode from the output: bars only on a TTY, nothing on stdout with --json. */
export function progressMode(json: boolean, isTty: boolean): ProgressMode {
  if (json) return 'silent';
  return isTty ? 'bars' : 'lines';
}

/**
 * Live progress: one cli-progress bar per service (sent during traffic, stored while settling) with rate,
 * acknowledged and stored counts; or a plain line every few seconds; or nothing.
 */
export class ProgressView {
  private readonly multibar: MultiBar | undefined;
  private readonly bars = new Map<string, SingleBar>();
  private lastLineAt = 0;
  private readonly startedAt = Date.now();

  constructor(
    private readonly mode: ProgressMode,
    services: readonly string[],
    plannedPerService: number,
    private readonly write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  ) {
    if (mode !== 'bars') return;
    this.multibar = new MultiBar(
      {
        format: '{service} [{bar}] {value}/{total} {phase} | {rate}/s | acked {acked} | stored {stored}',
        hideCursor: true,
        clearOnComplete: false,
        etaBuffer: 50,
      },
      Presets.shades_classic,
    );
    const width = Math.max(...services.map((name) => name.length));
    for (const service of services) {
      const payload = { service: service.padEnd(width), phase: 'sent', rate: 0, acked: 0, stored: 0 };
      this.bars.set(service, this.multibar.create(Math.max(plannedPerService, 1), 0, payload));
    }
  }

  /** Shows the latest numbers; `settling` switches the bars to stored-vs-sent. */
  update(rows: readonly ServiceProgress[], settling: boolean): void {
    if (this.mode === 'bars') {
      for (const row of rows) {
        const bar = this.bars.get(row.service);
        if (!bar) continue;
        if (settling) bar.setTotal(Math.max(row.sent, 1));
        else if (row.sent > bar.getTotal()) bar.setTotal(row.sent);
        bar.update(settling ? row.stored : row.sent, {
          phase: settling ? 'stored' : 'sent',
          rate: Math.round(row.rate),
          acked: row.acknowledged,
          stored: row.stored,
        });
      }
    } else if (this.mode === 'lines' && Date.now() - this.lastLineAt >= 2000) {
      this.lastLineAt = Date.now();
      const seconds = Math.round((Date.now() - this.startedAt) / 1000);
      const parts = rows.map(
        (r) =>
          `${r.service} sent=${r.sent} acked=${r.acknowledged} stored=${r.stored} rate=${Math.round(r.rate)}/s`,
      );
      this.write(`[${seconds}s ${settling ? 'settling' : 'traffic'}] ${parts.join(' | ')}`);
    }
  }

  /** Removes the bars' cursor handling; call before printing the report. */
  stop(): void {
    this.multibar?.stop();
  }
}
