import type { RedisClient } from '@logstream/runtime';
import {
  BurstyRateLimiter,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import { AppError } from '../errors';

/** Options of an {@link IngestRateLimiter}. */
export interface IngestRateLimitOptions {
  /** Requests per second per subject. */
  perSecond: number;
  /** Extra requests per subject over any 10 s window once the per-second allowance is spent. */
  burst: number;
  /** Redis key prefix (tests use their own). */
  keyPrefix: string;
}

const BURST_WINDOW_SECONDS = 10;

/**
 * Counts ingest requests per subject (an API key, or a client IP when auth is off) in Redis, so that every API replica
 * shares the budget. A subject may make `perSecond` requests each second, and dip into a shared `burst` allowance
 * (refilled every 10 s) when a second's budget is spent: rate-limiter-flexible's bursty limiter, a close relative of a
 * token bucket. Should Redis fail, an in-memory limiter with the same budget stands in for it.
 */
export class IngestRateLimiter {
  private readonly limiter: BurstyRateLimiter;

  constructor(redis: RedisClient, options: IngestRateLimitOptions) {
    const steady = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${options.keyPrefix}:rl`,
      points: options.perSecond,
      duration: 1,
      insuranceLimiter: new RateLimiterMemory({ points: options.perSecond, duration: 1 }),
    });
    const burst = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${options.keyPrefix}:rl-burst`,
      points: Math.max(options.burst, 0),
      duration: BURST_WINDOW_SECONDS,
      insuranceLimiter: new RateLimiterMemory({
        points: Math.max(options.burst, 0),
        duration: BURST_WINDOW_SECONDS,
      }),
    });
    this.limiter = new BurstyRateLimiter(steady, burst);
  }

  /** Spends one request of `subject`'s budget; throws 429 `rate_limited` with `Retry-After` when none is left. */
  async consume(subject: string): Promise<void> {
    try {
      await this.limiter.consume(subject, 1);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      const retryAfter = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
      throw new AppError(
        'rate_limited',
        `too many requests; retry in ${retryAfter} s`,
        { retryAfterSeconds: retryAfter },
        {
          headers: { 'Retry-After': String(retryAfter) },
        },
      );
    }
  }
}
