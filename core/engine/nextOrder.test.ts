import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkCoupon, normaliseCouponCode, COUPON_ALPHABET, type Coupon } from '../loyalty/coupons';
import { indexOffers } from './eligibility';
import { nextOrderBatchId, nextOrderCouponCode, nextOrderCoupons, NEXT_ORDER_PREFIX } from './nextOrder';
import { priceReceipt } from './pricing';
import { demoProgramme, line, member, offers, sale } from './testkit';
import { toLocal, type SaleTime } from './time';

const MSK = 'Europe/Moscow';
const list = offers([
  {
    id: 'minus-200',
    name: { ru: '200 ₽ по купону', en: '200 ₽ off by coupon' },
    audience: { coupon: true },
    effect: { type: 'fixedBonus', amountKopecks: 20_000 },
  },
  {
    id: 'next-1500',
    name: { ru: 'Купон за покупку от 1500 ₽', en: 'Coupon for 1500 ₽ or more' },
    conditions: { minReceiptKopecks: 150_000 },
    effect: { type: 'nextOrderCoupon', couponOfferId: 'minus-200', validDays: 14 },
  },
]);
const index = indexOffers(list);
const programme = demoProgramme();

function issue(priceKopecks: number, eventId: string, at: SaleTime = { kind: 'instant', instant: '2025-03-12T20:30:00Z', timeZone: MSK }, customer = member()) {
  const input = sale({ offers: index, at, customer, lines: [line('l1', 'p1', ['food'], priceKopecks)] });
  const priced = priceReceipt(input);
  return nextOrderCoupons(programme, index, input, priced, { eventId, timeZone: MSK });
}

describe('next-order coupons', () => {
  it('a sale of 1500 ₽ or more gets one coupon for the coupon offer, from the next Moscow day for 14 days; a smaller one gets none', () => {
    const [c, ...rest] = issue(150_000, '3f0c7d4e-8a43-4d5e-9d7e-1b2a3c4d5e6f');
    expect(rest).toEqual([]);
    // 20:30 UTC on 12 March is 23:30 in Moscow: valid from 00:00 Moscow on the 13th (21:00 UTC on the 12th).
    expect(c).toMatchObject({ offerId: 'next-1500', couponOfferId: 'minus-200', customerId: 'c-1' });
    expect(new Date(c!.validFromMs).toISOString()).toBe('2025-03-12T21:00:00.000Z');
    expect(c!.validToMs - c!.validFromMs).toBe(14 * 86_400_000);
    expect(issue(149_999, '3f0c7d4e-8a43-4d5e-9d7e-1b2a3c4d5e6f')).toEqual([]);
  });

  it('is not issued for a coupon offer the chain does not have, nor without a card when the offer names an audience', () => {
    const idx = indexOffers(offers([{ id: 'n', name: { ru: 'n', en: 'n' }, effect: { type: 'nextOrderCoupon', couponOfferId: 'gone', validDays: 7 } }]));
    const input = sale({ offers: idx, lines: [line('l1', 'p1', [], 100_000)] });
    expect(nextOrderCoupons(programme, idx, input, priceReceipt(input), { eventId: 'e', timeZone: MSK })).toEqual([]);
    const silver = indexOffers(offers([list[0]!, { ...list[1]!, audience: { tiers: ['silver'], firstPurchase: false } }] as Parameters<typeof offers>[0]));
    const bearer = sale({ offers: silver, customer: null, lines: [line('l1', 'p1', [], 200_000)] });
    expect(nextOrderCoupons(programme, silver, bearer, priceReceipt(bearer), { eventId: 'e', timeZone: MSK })).toEqual([]);
    // An offer for everyone gives a sale without a card a bearer coupon.
    const anyone = sale({ offers: index, customer: null, lines: [line('l1', 'p1', [], 200_000)] });
    expect(nextOrderCoupons(programme, index, anyone, priceReceipt(anyone), { eventId: 'e', timeZone: MSK })[0]?.customerId).toBeNull();
  });

  it('makes the code tills already print for a sale: a receipt from an older till and the server agree', () => {
    // Computed by the till's earlier, hand-written SHA-256; a change of hash or encoding would orphan printed coupons.
    expect(nextOrderCouponCode('next-1500', '3f0c7d4e-8a43-4d5e-9d7e-1b2a3c4d5e6f')).toBe('N85E5YDCJ8KN');
  });

  it('gives the same code for the same sale everywhere, a different one per sale, from the unambiguous alphabet (property)', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.uuid(), (a, b) => {
        const code = nextOrderCouponCode('next-1500', a);
        expect(nextOrderCouponCode('next-1500', a.toUpperCase())).toBe(code);
        expect(normaliseCouponCode(code)).toBe(code);
        expect(code.startsWith(NEXT_ORDER_PREFIX)).toBe(true);
        expect([...code.slice(NEXT_ORDER_PREFIX.length)].every((ch) => COUPON_ALPHABET.includes(ch))).toBe(true);
        if (a.toLowerCase() !== b.toLowerCase()) expect(nextOrderCouponCode('next-1500', b)).not.toBe(code);
        expect(nextOrderCouponCode('other', a)).not.toBe(code);
      }),
    );
  });

  it('issues at most one coupon per offer for a sale, the same on every repetition, valid only from after the sale (property)', () => {
    const at = fc.record({
      ms: fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2027, 0, 1) }),
      zone: fc.constantFrom('Europe/Moscow', 'Asia/Yekaterinburg', 'Asia/Vladivostok', 'Europe/Kaliningrad', 'Europe/Berlin'),
    });
    fc.assert(
      fc.property(fc.uuid(), fc.integer({ min: 1, max: 1_000_000 }), at, (eventId, price, t) => {
        const when: SaleTime = { kind: 'instant', instant: new Date(t.ms).toISOString(), timeZone: t.zone };
        const input = sale({ offers: index, at: when, lines: [line('l1', 'p1', [], price)] });
        const priced = priceReceipt(input);
        const first = nextOrderCoupons(programme, index, input, priced, { eventId, timeZone: t.zone });
        const again = nextOrderCoupons(programme, index, input, priced, { eventId, timeZone: t.zone });
        expect(again).toEqual(first);
        expect(new Set(first.map((c) => c.offerId)).size).toBe(first.length);
        expect(first.length).toBe(price >= 150_000 ? 1 : 0);
        for (const c of first) {
          // From the next local midnight: after the sale, at most a day (plus a DST hour) later.
          expect(c.validFromMs).toBeGreaterThan(t.ms);
          expect(c.validFromMs - t.ms).toBeLessThanOrEqual(86_400_000 + 3_600_000);
          // Local midnight, the day after the sale's local day.
          const from = toLocal({ kind: 'instant', instant: new Date(c.validFromMs).toISOString(), timeZone: t.zone });
          expect(from.minuteOfDay).toBe(0);
          expect(from.dayNumber).toBe(toLocal(when).dayNumber + 1);
          // The till refuses it for the rest of the day: the same visit.
          const asCoupon: Coupon = {
            code: c.code,
            batchId: nextOrderBatchId(eventId),
            offerId: c.couponOfferId,
            singleUse: true,
            customerId: c.customerId,
            segment: null,
            validFromMs: c.validFromMs,
            validToMs: c.validToMs,
            redeemed: false,
          };
          const check = (nowMs: number) =>
            checkCoupon(asCoupon, { customer: { id: 'c-1', segments: [] }, nowMs, usedHere: new Set(), inSale: new Set(), offerIds: new Set(['minus-200']) });
          expect(check(t.ms)).toEqual({ ok: false, reason: 'nextVisit' });
          expect(check(c.validFromMs).ok).toBe(true);
        }
      }),
    );
  });
});
