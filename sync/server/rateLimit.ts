/**
 * A token bucket per terminal: `burst` requests at once, refilled at `perSecond`.
 * It lives in this process, so with N server instances behind a load balancer a terminal
 * may make up to N times the rate; it protects each instance, not a global quota.
 */
export interface RateLimitOptions {
  burst: number;
  perSecond: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { burst: 120, perSecond: 30 };

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly options: RateLimitOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** Take one token; null when allowed, else seconds to wait. */
  take(key: string): number | null {
    const b = this.refilled(key);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return null;
    }
    return this.waitFor(b);
  }

  /** What `take` would answer, without taking: null when a token is there, else seconds to wait. */
  peek(key: string): number | null {
    const b = this.buckets.get(key);
    if (!b) return null;
    const tokens = Math.min(this.options.burst, b.tokens + ((this.now() - b.at) / 1000) * this.options.perSecond);
    return tokens >= 1 ? null : this.waitFor({ tokens, at: b.at });
  }

  private refilled(key: string): Bucket {
    const now = this.now();
    const { burst, perSecond } = this.options;
    const b = this.buckets.get(key) ?? { tokens: burst, at: now };
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * perSecond);
    b.at = now;
    if (this.buckets.size > 100_000) this.forgetFull(now);
    this.buckets.set(key, b);
    return b;
  }

  private waitFor(b: Bucket): number {
    return Math.max(1, Math.ceil((1 - b.tokens) / this.options.perSecond));
  }

  /** Buckets that have refilled completely carry no information: drop them to bound memory. */
  private forgetFull(now: number): void {
    for (const [k, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * this.options.perSecond >= this.options.burst) this.buckets.delete(k);
    }
  }
}
