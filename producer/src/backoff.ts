/** How retries wait: exponential growth from `baseMs`, capped at `maxMs`, with full jitter. */
export interface BackoffPolicy {
  /** First retry's upper bound, in ms. */
  baseMs: number;
  /** Largest upper bound, in ms. */
  maxMs: number;
}

/**
 * The wait before retry number `attempt` (1 for the first retry): a uniform draw in `[0, min(maxMs, baseMs·2^(attempt-1))]`
 * ("full jitter"), so many producers retrying at once spread out instead of stampeding together.
 */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  return Math.floor(random() * ceiling);
}

/**
 * Reads an HTTP `Retry-After` header (delta-seconds or an HTTP date) as milliseconds from `now`. Undefined when the
 * header is absent or unreadable; never negative; capped at `capMs` so a wild value cannot stall a producer forever.
 */
export function parseRetryAfter(
  header: string | null | undefined,
  now = Date.now(),
  capMs = 5 * 60_000,
): number | undefined {
  if (header === null || header === undefined || header.trim() === '') return undefined;
  const trimmed = header.trim();
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(trimmed)) ms = Number(trimmed) * 1000;
  else {
    const date = Date.parse(trimmed);
    if (Number.isNaN(date)) return undefined;
    ms = date - now;
  }
  return Math.min(Math.max(0, Math.round(ms)), capMs);
}

/**
 * The wait before retry `attempt`: the server's `Retry-After` when it gave one (plus up to 10 % jitter, so a crowd
 * told the same number does not return in the same millisecond), else {@link backoffDelay}.
 */
export function retryDelay(
  attempt: number,
  policy: BackoffPolicy,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined)
    return retryAfterMs + Math.floor(random() * Math.max(retryAfterMs * 0.1, 50));
  return backoffDelay(attempt, policy, random);
}

/** Retry state of a producer: how many failures in a row, and until when sending is paused. */
export class RetryClock {
  private failures = 0;
  /** Epoch ms before which no request should start. */
  pausedUntil = 0;

  constructor(
    private readonly policy: BackoffPolicy,
    private readonly random: () => number = Math.random,
  ) {}

  /** Records a failure; returns the attempt number and the delay chosen. */
  failed(retryAfterMs: number | undefined, now = Date.now()): { attempt: number; delayMs: number } {
    this.failures += 1;
    const delayMs = retryDelay(this.failures, this.policy, retryAfterMs, this.random);
    this.pausedUntil = Math.max(this.pausedUntil, now + delayMs);
    return { attempt: this.failures, delayMs };
  }

  /** Records a success: the next failure starts the schedule over. */
  succeeded(): void {
    this.failures = 0;
  }

  /** Pauses sending for `ms` without counting a failure. */
  pause(ms: number, now = Date.now()): void {
    this.pausedUntil = Math.max(this.pausedUntil, now + ms);
  }
}
