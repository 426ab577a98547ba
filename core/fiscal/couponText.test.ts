import { describe, expect, it } from 'vitest';
import { couponDays, nextOrderCouponLines } from './couponText';

describe('next-order coupon on the receipt', () => {
  const at = { kind: 'local', year: 2025, month: 3, day: 12, hour: 23, minute: 30 } as const;
  // Valid from Moscow midnight of the 13th for 14 days.
  const c = { code: 'N23456789ABC', validFromMs: Date.UTC(2025, 2, 12, 21), validToMs: Date.UTC(2025, 2, 12, 21) + 14 * 86_400_000 };
  it('prints the code and its first and last day in the store calendar', () => {
    expect(couponDays(at, c)).toEqual({ from: '2025-03-13', to: '2025-03-26' });
    expect(nextOrderCouponLines(at, [c])).toEqual(['Купон на следующую покупку: N23456789ABC', 'Действует с 13.03.2025 по 26.03.2025']);
  });
  it('prints nothing without coupons, and only the code when its days are unknown', () => {
    expect(nextOrderCouponLines(at, [])).toEqual([]);
    expect(nextOrderCouponLines(at, [{ code: 'N23456789ABC' }])).toEqual(['Купон на следующую покупку: N23456789ABC']);
  });
});
