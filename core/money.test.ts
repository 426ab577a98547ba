import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate, formatRoubles, parseRoubles, percentOf } from './money';

describe('money', () => {
  it('parses what a cashier types into kopecks', () => {
    expect(parseRoubles('12,50')).toBe(1250);
    expect(parseRoubles('12.5')).toBe(1250);
    expect(parseRoubles('1 234,05')).toBe(123405);
    expect(parseRoubles('0')).toBe(0);
    expect(parseRoubles('12,345')).toBeNull();
    expect(parseRoubles('abc')).toBeNull();
    expect(parseRoubles('')).toBeNull();
    expect(Object.is(parseRoubles('-0,00'), 0)).toBe(true);
  });

  it('formats kopecks the Russian way', () => {
    expect(formatRoubles(123405)).toBe('1\u00a0234,05 ₽');
    expect(formatRoubles(5)).toBe('0,05 ₽');
    expect(formatRoubles(-250)).toBe('−2,50 ₽');
    expect(formatRoubles(123405, 'en-GB')).toBe('1,234.05 ₽');
  });

  it('takes a percentage rounding down, never up', () => {
    expect(percentOf(999, 500)).toBe(49);
    expect(percentOf(1000, 500)).toBe(50);
    expect(percentOf(-999, 500)).toBe(-50);
    expect(() => percentOf(1.5, 100)).toThrow(/kopecks/);
  });

  it('allocates a total across weights with no kopeck lost', () => {
    expect(allocate(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocate(-100, [1, 1, 1])).toEqual([-34, -33, -33]);
    expect(allocate(0, [0, 0])).toEqual([0, 0]);
    const big = allocate(7753453446255803, [1530599028650539, 7511298213555030, 1182138060438165]);
    expect(big.reduce((a, b) => BigInt(a) + BigInt(b), 0n)).toBe(7753453446255803n);
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), fc.array(fc.integer({ min: 0, max: 1e6 }), { minLength: 1, maxLength: 50 }), (total, weights) => {
        fc.pre(weights.some((w) => w > 0));
        const parts = allocate(total, weights);
        expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
        parts.forEach((p, i) => {
          if (weights[i] === 0) expect(p).toBe(0);
          const exact = (total * weights[i]!) / weights.reduce((a, b) => a + b, 0);
          expect(Math.abs(p - exact)).toBeLessThan(1);
        });
      }),
    );
  });
});
