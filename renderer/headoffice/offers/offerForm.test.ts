import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OfferSchema, parseProgramme } from '../../../core/engine';
import { DEMO_OFFERS, DEMO_PROGRAMME } from '../../../sync/server/demoSeed';
import { describeAudience } from './describe';
import { emptyForm, formToOffer, offerToForm, parseHundredths } from './offerForm';
import { previewOffer } from './preview';

const t = (key: string, o?: Record<string, unknown>) => `${key}${o ? JSON.stringify(o) : ''}`;

describe('offer form', () => {
  it('turns every demo offer into a form and back into the same offer', () => {
    for (const raw of DEMO_OFFERS) {
      const offer = OfferSchema.parse(raw);
      if (offer.effect.type === 'welcome') continue;
      const back = formToOffer(offerToForm(offer));
      expect(back.ok && back.offer, offer.id).toEqual(offer);
    }
  });

  it('keeps a coupon offer a coupon offer, and makes a next-order coupon offer for it (issue 16)', () => {
    const coupon = OfferSchema.parse({
      id: 'minus-200',
      name: { ru: 'Купон', en: 'Coupon' },
      audience: { coupon: true },
      effect: { type: 'fixedBonus', amountKopecks: 20_000 },
    });
    const back = formToOffer(offerToForm(coupon));
    expect(back.ok && back.offer).toEqual(coupon);
    const form = {
      ...emptyForm(),
      id: 'next-1500',
      nameRu: 'Купон за покупку',
      nameEn: 'Coupon for a purchase',
      minReceipt: '1500',
      effect: 'nextOrderCoupon' as const,
      couponOfferId: 'minus-200',
      validDays: '14',
    };
    const made = formToOffer(form);
    expect(made.ok && made.offer.effect).toEqual({ type: 'nextOrderCoupon', couponOfferId: 'minus-200', validDays: 14 });
    expect(made.ok && made.offer.conditions.minReceiptKopecks).toBe(150_000);
    expect(made.ok && formToOffer(offerToForm(made.offer))).toEqual(made);
    const bySms = formToOffer({ ...form, couponSms: true });
    expect(bySms.ok && bySms.offer.effect).toEqual({ type: 'nextOrderCoupon', couponOfferId: 'minus-200', validDays: 14, sms: true });
    expect(bySms.ok && offerToForm(bySms.offer).couponSms).toBe(true);
    expect(formToOffer({ ...form, couponOfferId: 'next-1500' })).toEqual({ ok: false, errors: { couponOfferId: 'couponOfferSelf' } });
    expect(formToOffer({ ...form, validDays: '0' })).toEqual({ ok: false, errors: { validDays: 'invalid_field' } });
  });

  it('reads percentages and roubles exactly, never through floats', () => {
    expect(parseHundredths('2,5')).toBe(250);
    expect(parseHundredths('0.07')).toBe(7);
    expect(parseHundredths('10')).toBe(1000);
    expect(parseHundredths('1,234')).toBeNull();
    fc.assert(fc.property(fc.integer({ min: 0, max: 99_999 }), (n) => parseHundredths(`${Math.floor(n / 100)},${String(n % 100).padStart(2, '0')}`) === n));
  });

  it('puts each mistake on its own field', () => {
    const form = { ...emptyForm(), id: 'bad id', nameRu: '', nameEn: 'x', value: 'десять', scope: 'stores' as const, hoursFrom: '10:00' };
    const r = formToOffer(form);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toMatchObject({ id: 'offerId', value: 'percent', scope: 'pickStore', hoursTo: 'hoursBoth' });
    const named = formToOffer({ ...emptyForm(), id: 'ok', nameEn: 'x' });
    expect(!named.ok && named.errors.nameRu).toBe('required');
  });

  it('says exactly who gets an offer: card holders, then every narrowing', () => {
    const text = describeAudience({ tiers: ['gold'], firstPurchase: true, birthday: false, personal: true, customerCount: 3 }, t, (id) =>
      id === 'gold' ? 'Золото' : id,
    );
    expect(text.startsWith('ho.audience.members')).toBe(true);
    expect(text).toContain('Золото');
    expect(text).toContain('ho.audience.firstPurchase');
    expect(text).toContain('"count":3');
  });
});

describe('offer preview', () => {
  const programme = parseProgramme(DEMO_PROGRAMME);
  if (!programme.ok) throw new Error('demo programme');
  const base = {
    programme: programme.value,
    lines: [{ productId: 'p1', name: 'Молоко', categories: ['dairy'], unitPriceKopecks: 10_000, quantityMilli: 2000, weighed: false }],
    store: { id: '1', regionId: '1' },
    date: '2026-03-02',
    time: '12:00',
  };
  const form = { ...emptyForm(), id: 'ten-off', nameRu: 'Десять', nameEn: 'Ten', value: '10' };
  const made = formToOffer(form);
  if (!made.ok) throw new Error('form');

  it('shows the discount the engine gives a card holder', () => {
    const p = previewOffer({
      ...base,
      offer: made.offer,
      customer: { tierId: programme.value.tiers[0]!.id, firstPurchase: false, birthdayToday: false, segments: [] },
    });
    expect(p?.applied).toBe(true);
    expect(p?.extraDiscount).toBe(2_000);
    expect(p?.with.totals.payable).toBe(18_000);
  });

  it('shows that nobody without a card gets it', () => {
    const p = previewOffer({ ...base, offer: made.offer, customer: { tierId: null, firstPurchase: false, birthdayToday: false, segments: [] } });
    expect(p?.applied).toBe(false);
    expect(p?.extraDiscount).toBe(0);
  });
});
