import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rateLimit';

describe('per-terminal token bucket', () => {
  it('allows a burst, then the refill rate, per key', () => {
    let now = 0;
    const limiter = new RateLimiter({ burst: 3, perSecond: 2 }, () => now);
    expect([1, 2, 3, 4].map(() => limiter.take('a'))).toEqual([null, null, null, 1]);
    expect(limiter.take('b')).toBeNull();
    now += 500; // one token back
    expect(limiter.take('a')).toBeNull();
    expect(limiter.take('a')).toBe(1);
    now += 10_000; // never more than the burst
    expect([1, 2, 3, 4].map(() => limiter.take('a'))).toEqual([null, null, null, 1]);
  });

  it('says how long to wait at a slow rate', () => {
    let now = 0;
    const limiter = new RateLimiter({ burst: 1, perSecond: 0.1 }, () => now);
    expect(limiter.take('a')).toBeNull();
    expect(limiter.take('a')).toBe(10);
    now += 5_000;
    expect(limiter.take('a')).toBe(5);
  });
});
