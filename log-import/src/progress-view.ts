import { Presets, SingleBar } from 'cli-progress';
import type { ImportProgress } from './import-run';

/**
 * Progress of one file: a cli-progress bar over the bytes read from disk with records per second and ETA on a
 * terminal; a plain line every 5 s when stdout is piped; nothing with --json.
 */
export class ProgressView {
  private bar: SingleBar | undefined;
  private readonly startedAt = Date.now();
  private lastLineAt = 0;

  constructor(
    private readonly mode: 'bar' | 'lines' | 'silent',
    private readonly label: string,
    private readonly write: (text: string) => void = (text) => process.stderr.write(text),
  ) {}

  update(progress: ImportProgress): void {
    const elapsed = Math.max((Date.now() - this.startedAt) / 1000, 0.001);
    const payload = {
      file: this.label,
      lines: progress.read,
      rate: Math.round(progress.read / elapsed),
      stored: progress.stored,
      rejected: progress.rejected,
      phase: progress.phase,
    };
    if (this.mode === 'bar') {
      if (!this.bar) {
        this.bar = new SingleBar(
          {
            format:
              '{file} [{bar}] {percentage}% | {lines} lines | {rate} lines/s | ETA {eta_formatted} | stored {stored} | rejected {rejected} | {phase}',
            hideCursor: true,
            etaBuffer: 40,
            stream: process.stderr,
          },
          Presets.shades_classic,
        );
        this.bar.start(Math.max(progress.size, 1), 0, payload);
      }
      this.bar.update(progress.bytesRead, payload);
    } else if (this.mode === 'lines' && Date.now() - this.lastLineAt >= 5_000) {
      this.lastLineAt = Date.now();
      const percent = progress.size > 0 ? Math.round((100 * progress.bytesRead) / progress.size) : 100;
      this.write(
        `${this.label}: ${percent}% read, ${payload.lines} lines (${payload.rate}/s), stored ${payload.stored}, rejected ${payload.rejected}, ${payload.phase}\n`,
      );
    }
  }

  stop(): void {
    this.bar?.stop();
  }
}
