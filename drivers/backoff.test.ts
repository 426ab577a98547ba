import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { backoffDelay } from './backoff';

const policy = { baseMs: 100, maxMs: 5_000, jitter: 0.5 };

describe('backoffDelay', () => {
  it('doubles from the base while below the cap', () => {
    const noJitter = { ...policy, jitter: 0 };
    expect([0, 1, 2, 3].map((n) => backoffDelay(n, noJitter))).toEqual([100, 200, 400, 800]);
  });

  it('never exceeds the cap, however many attempts', () => {
    expect(backoffDelay(10, { ...policy, jitter: 0 })).toBe(5_000);
    expect(backoffDelay(10_000, { ...policy, jitter: 0 })).toBe(5_000);
  });

  it('randomises within [d*(1-jitter), d]', () => {
    expect(backoffDelay(2, policy, () => 0)).toBe(400);
    expect(backoffDelay(2, policy, () => 1)).toBe(200);
    fc.assert(
      fc.property(fc.nat(100), fc.double({ min: 0, max: 1, noNaN: true }), (attempt, r) => {
        const d = backoffDelay(attempt, policy, () => r);
        const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempt, 30));
        return d <= ceiling && d >= Math.floor(ceiling * (1 - policy.jitter));
      }),
    );
  });
});
