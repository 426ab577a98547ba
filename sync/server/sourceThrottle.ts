import { RateLimiter, type RateLimitOptions } from './rateLimit';

/**
 * Failed authentication per source address: wrong terminal or admin tokens, wrong or spent
 * enrolment codes, wrong manager PINs, cards and manager tokens. Each source may fail `burst`
 * times at once, then once per 1/`perSecond` seconds; beyond that it gets 429 with Retry-After.
 *
 * Only failures count, so a store's tills with valid tokens are never slowed by it, even behind
 * the same address as someone guessing. Guessable secrets (enrolment codes, manager PINs, the
 * admin token) are refused before they are checked while the source is throttled; a terminal
 * token is still checked (a 256-bit token cannot be guessed), and only a failure answers 429.
 * In memory per instance, like the per-terminal bucket: N instances allow N times the failures.
 */
export type SourceThrottleOptions = RateLimitOptions;

/** 30 failures at once, then one per 10 s (360 an hour). */
export const DEFAULT_SOURCE_THROTTLE: SourceThrottleOptions = { burst: 30, perSecond: 0.1 };

export class SourceThrottle {
  private readonly failures: RateLimiter;

  constructor(options: SourceThrottleOptions = DEFAULT_SOURCE_THROTTLE, now: () => number = Date.now) {
    this.failures = new RateLimiter(options, now);
  }

  /** Seconds this source must wait before its next attempt, or null when it may try. */
  wait(source: string): number | null {
    return this.failures.peek(source);
  }

  /** Count a failure; answers how long the source must now wait (null: it may still try). */
  failed(source: string): number | null {
    this.failures.take(source);
    return this.failures.peek(source);
  }
}
