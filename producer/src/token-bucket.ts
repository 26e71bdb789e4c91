/** A token bucket: `ratePerSec` tokens accrue per second, at most `ratePerSec` held (one second's worth). */
export class TokenBucket {
  private tokens = 0;
  private at: number;

  constructor(
    private readonly ratePerSec: number,
    now = Date.now(),
  ) {
    this.at = now;
  }

  /** Whole tokens available now. */
  available(now = Date.now()): number {
    this.tokens = Math.min(this.ratePerSec, this.tokens + ((now - this.at) / 1000) * this.ratePerSec);
    this.at = Math.max(this.at, now);
    return Math.floor(this.tokens);
  }

  /** Spends `count` tokens (callers spend at most what {@link available} returned). */
  take(count: number): void {
    this.tokens -= count;
  }
}
