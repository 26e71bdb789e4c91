/**
 * Runs a background step every `intervalMs`, never two at once: a step still running when the next is due is not
 * started again. A step's failure goes to `onError` and the next step runs as planned. {@link PeriodicTask.stop}
 * waits for the step under way.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly step: () => Promise<unknown>,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => {
      if (this.running) return;
      this.running = this.step()
        .then(() => undefined, this.onError)
        .finally(() => (this.running = undefined));
    }, this.intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
