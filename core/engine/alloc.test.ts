import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { allocate, percentOf } from '../money';
import { allocateKopecks, cumulativeShare, lineAmount, percentOfFast, roundShares } from './alloc';

describe('allocateKopecks', () => {
  it('matches core/money allocate, including ties and the BigInt fallback', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })),
        fc.array(fc.oneof(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 2 ** 40 })), { minLength: 1, maxLength: 20 }),
        (total, weights) => {
          fc.pre(weights.some((w) => w > 0));
          expect(allocateKopecks(total, weights)).toEqual(allocate(total, weights));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('splits 1 kopeck to the earliest of equal weights', () => {
    expect(allocateKopecks(1, [5, 5, 5])).toEqual([1, 0, 0]);
    expect(allocateKopecks(100, [1, 1, 1])).toEqual([34, 33, 33]);
  });
});

describe('roundShares', () => {
  it('parts sum to the floored total and each is within a kopeck of exact', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 10_000_000 }), fc.bigInt({ min: 0n, max: 10n ** 20n })), { maxLength: 30 }), (nums) => {
        const parts = roundShares(nums, 1_000_000);
        const big = nums.map((x) => BigInt(x));
        expect(BigInt(parts.reduce((a, b) => a + b, 0))).toBe(big.reduce((a, b) => a + b, 0n) / 1_000_000n);
        parts.forEach((p, i) => {
          const floor = (big[i] ?? 0n) / 1_000_000n;
          expect(BigInt(p) === floor || BigInt(p) === floor + 1n).toBe(true);
        });
      }),
      { numRuns: 500 },
    );
  });
});

describe('small arithmetic', () => {
  it('percentOfFast equals percentOf', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: 0, max: 10_000 }), (a, bp) => {
        expect(percentOfFast(a, bp)).toBe(percentOf(a, bp));
      }),
      { numRuns: 1_000 },
    );
  });

  it('line amounts round half up to the kopeck', () => {
    expect(lineAmount(12_990, 1_234)).toBe(16_030); // 160.2966 ₽
    expect(lineAmount(100, 5)).toBe(1); // 0.5 kopeck rounds up
    expect(lineAmount(100, 4)).toBe(0);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000_000 }), fc.integer({ min: 1, max: 1_000_000_000 }), (p, q) => {
        expect(lineAmount(p, q)).toBe(Number((BigInt(p) * BigInt(q) + 500n) / 1000n));
      }),
    );
  });

  it('cumulative shares add up to the whole over any steps', () => {
    expect([1, 2, 3].map((c) => cumulativeShare(100, c, 3))).toEqual([33, 66, 100]);
  });
});
