import { dayNumberOf, toLocal, type SaleTime } from '../engine/time';

/**
 * Next-order coupons on the receipt (issue 16, core/engine/nextOrder.ts): the code and its days in
 * the store's calendar, printed in the text part of the fiscal receipt and shown on the screen.
 * A coupon is valid from the local day after the sale for whole days, so its dates follow from the
 * sale's local date and its length alone; no clock or zone is needed here.
 */
export interface PrintedCoupon {
  code: string;
  validFromMs?: number | undefined;
  validToMs?: number | undefined;
}

const DAY_MS = 86_400_000;

/** The first and last day (inclusive) as YYYY-MM-DD; null when the coupon does not say its length. */
export function couponDays(at: SaleTime, c: PrintedCoupon): { from: string; to: string } | null {
  if (c.validFromMs === undefined || c.validToMs === undefined) return null;
  const sold = toLocal(at);
  const first = dayNumberOf(sold.year, sold.month, sold.day) + 1;
  const days = Math.max(1, Math.round((c.validToMs - c.validFromMs) / DAY_MS));
  const iso = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
  return { from: iso(first), to: iso(first + days - 1) };
}

const ru = (isoDate: string) => isoDate.split('-').reverse().join('.');

/** Russian, as the receipt is: the code on a line of its own, then its dates. */
export function nextOrderCouponLines(at: SaleTime, coupons: readonly PrintedCoupon[]): string[] {
  return coupons.flatMap((c) => {
    const d = couponDays(at, c);
    return [`Купон на следующую покупку: ${c.code}`, ...(d ? [`Действует с ${ru(d.from)} по ${ru(d.to)}`] : [])];
  });
}
