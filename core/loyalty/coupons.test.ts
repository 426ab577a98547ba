import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { priceReceipt } from '../engine';
import { line, member, offers, sale } from '../engine/testkit';
import { checkCoupon, claimCoupon, couponCodeFrom, normaliseCouponCode, COUPON_ALPHABET, type Coupon } from './coupons';

const coupon = (over: Partial<Coupon> = {}): Coupon => ({
  code: 'SPRING25',
  batchId: 'b1',
  offerId: 'coupon-10',
  singleUse: true,
  customerId: null,
  segment: null,
  validFromMs: null,
  validToMs: null,
  redeemed: false,
  ...over,
});
const who = { id: '7', segments: ['sleeping'] };
const base = { customer: who, nowMs: 1_000, usedHere: new Set<string>(), inSale: new Set<string>(), offerIds: new Set(['coupon-10']) };

describe('coupon codes', () => {
  it('reads a typed code whatever its case, spaces and dashes, and nothing else', () => {
    expect(normaliseCouponCode(' spring-25 ')).toBe('SPRING25');
    expect(normaliseCouponCode('ab')).toBeNull();
    expect(normaliseCouponCode('ПРОМО')).toBeNull();
  });
  it('makes codes from the unambiguous alphabet that read back as themselves (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 16 }), (bytes) => {
        const code = couponCodeFrom(bytes, 'LT');
        expect(normaliseCouponCode(code)).toBe(code);
        expect([...code.slice(2)].every((ch) => COUPON_ALPHABET.includes(ch))).toBe(true);
      }),
    );
  });
});

describe('checkCoupon at the till', () => {
  it('refuses with the reason a cashier can say', () => {
    expect(checkCoupon(undefined, base)).toEqual({ ok: false, reason: 'unknown' });
    expect(checkCoupon(coupon(), { ...base, customer: null })).toEqual({ ok: false, reason: 'noCustomer' });
    expect(checkCoupon(coupon({ customerId: '8' }), base)).toEqual({ ok: false, reason: 'otherCustomer' });
    expect(checkCoupon(coupon({ segment: 'lost' }), base)).toEqual({ ok: false, reason: 'segment' });
    expect(checkCoupon(coupon({ validFromMs: 2_000 }), base)).toEqual({ ok: false, reason: 'notYet' });
    expect(checkCoupon(coupon({ validToMs: 1_000 }), base)).toEqual({ ok: false, reason: 'expired' });
    expect(checkCoupon(coupon({ redeemed: true }), base)).toEqual({ ok: false, reason: 'used' });
    expect(checkCoupon(coupon(), { ...base, usedHere: new Set(['SPRING25']) })).toEqual({ ok: false, reason: 'used' });
    expect(checkCoupon(coupon(), { ...base, inSale: new Set(['SPRING25']) })).toEqual({ ok: false, reason: 'already' });
    expect(checkCoupon(coupon(), { ...base, offerIds: new Set() })).toEqual({ ok: false, reason: 'offerGone' });
    expect(checkCoupon(coupon({ customerId: '7', segment: 'sleeping', validFromMs: 0, validToMs: 2_000 }), base).ok).toBe(true);
    // A multi-use code may be used again at the same till.
    expect(checkCoupon(coupon({ singleUse: false }), { ...base, usedHere: new Set(['SPRING25']) }).ok).toBe(true);
  });
});

describe('claimCoupon at the server', () => {
  it('gives a single-use code to one sale only, under any interleaving of claims and resends from two tills (property)', () => {
    const claim = fc.record({ till: fc.constantFrom('a', 'b'), sale: fc.integer({ min: 0, max: 3 }) });
    fc.assert(
      fc.property(fc.array(claim, { minLength: 1, maxLength: 30 }), fc.boolean(), (claims, singleUse) => {
        let holder: string | null = null;
        const granted = new Set<string>();
        let first: string | null = null;
        for (const c of claims) {
          const eventId = `${c.till}-${c.sale}`;
          first ??= eventId;
          const r = claimCoupon(holder, { eventId, singleUse });
          holder = r.holder;
          if (r.granted) granted.add(eventId);
          // A resend of the sale that holds the code is granted again: at-least-once delivery, one effect.
          if (singleUse && eventId === holder) expect(r.granted).toBe(true);
        }
        if (singleUse) expect([...granted]).toEqual([first]);
        else expect(granted.size).toBe(new Set(claims.map((c) => `${c.till}-${c.sale}`)).size);
      }),
    );
  });
});

describe('a coupon offer in the engine', () => {
  const list = offers([
    {
      id: 'coupon-10',
      name: { ru: 'Купон −10 %', en: 'Coupon −10%' },
      audience: { coupon: true },
      effect: { type: 'percentDiscount', basisPoints: 1_000 },
    },
  ]);
  it('applies, with its explanation, only when the customer presented its coupon (property: never without one)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 1_000_000 }), fc.boolean(), (price, presented) => {
        const priced = priceReceipt(
          sale({
            offers: list,
            customer: member(presented ? { couponOffers: ['coupon-10'] } : {}),
            lines: [line('l1', 'p1', ['food'], price)],
          }),
        );
        expect(priced.appliedOffers.some((o) => o.id === 'coupon-10')).toBe(presented);
        if (!presented) expect(priced.totals.discount).toBe(0);
      }),
    );
  });
});
