import { describe, it, expect } from 'vitest';
import { priceReceipt, type PriceInput } from './pricing';
import { indexOffers, usesInPeriod } from './eligibility';
import type { OfferInput } from './offers';
import type { Customer } from './input';
import { line, member, offers, sale, SPEND } from './testkit';

/** A 10 % discount on everything, with the given extra fields. */
function tenOff(extra: Partial<OfferInput> = {}): OfferInput {
  return { id: 'o', name: { ru: 'Акция', en: 'Offer' }, effect: { type: 'percentDiscount', basisPoints: 1_000 }, ...extra };
}

const basket = [line('a', 'coffee', ['coffee', 'drinks'], 10_000), line('b', 'croissant', ['bakery'], 5_000)];

function discountWith(offer: OfferInput, patch: Partial<PriceInput> = {}): number {
  return priceReceipt(sale({ lines: basket, offers: offers([offer]), ...patch })).totals.discount;
}

const at = (day: number, hour: number, minute = 0) => ({ kind: 'local', year: 2025, month: 3, day, hour, minute }) as const;

describe('where an offer runs', () => {
  it.each<[string, OfferInput['scope'], number]>([
    ['the whole chain', { kind: 'chain' }, 1_500],
    ['its region', { kind: 'regions', regionIds: ['msk'] }, 1_500],
    ['another region', { kind: 'regions', regionIds: ['spb'] }, 0],
    ['a list with this store', { kind: 'stores', storeIds: ['msk-002', 'msk-001'] }, 1_500],
    ['a list without it', { kind: 'stores', storeIds: ['msk-002'] }, 0],
  ])('%s', (_label, scope, discount) => {
    expect(discountWith(tenOff({ scope }))).toBe(discount);
  });
});

describe('when an offer runs (store local time)', () => {
  it.each<[string, OfferInput['validity'], PriceInput['at'], number]>([
    ['first day, dates inclusive', { from: '2025-03-12', to: '2025-03-20' }, at(12, 0), 1_500],
    ['last day, dates inclusive', { from: '2025-03-01', to: '2025-03-12' }, at(12, 23, 59), 1_500],
    ['day after the end', { to: '2025-03-11' }, at(12, 12), 0],
    ['weekday listed (Wed)', { weekdays: [3] }, at(12, 12), 1_500],
    ['weekday not listed', { weekdays: [1, 2, 4, 5] }, at(12, 12), 0],
    ['inside happy hours', { hours: { from: '10:00', to: '14:00' } }, at(12, 13, 59), 1_500],
    ['end of hours is exclusive', { hours: { from: '10:00', to: '14:00' } }, at(12, 14), 0],
    ['overnight window, late', { hours: { from: '22:00', to: '06:00' } }, at(12, 23, 30), 1_500],
    ['overnight window, early', { hours: { from: '22:00', to: '06:00' } }, at(12, 5, 59), 1_500],
    ['overnight window, daytime', { hours: { from: '22:00', to: '06:00' } }, at(12, 6), 0],
  ])('%s', (_label, validity, when, discount) => {
    expect(discountWith(tenOff({ validity }), { at: when })).toBe(discount);
  });

  it('converts an instant to the store zone before judging the weekday', () => {
    // Friday 23:30 UTC is already Saturday 02:30 in Moscow.
    const offer = tenOff({ validity: { weekdays: [1, 2, 3, 4, 5] } });
    expect(discountWith(offer, { at: { kind: 'instant', instant: '2025-03-14T23:30:00Z', timeZone: 'Europe/Moscow' } })).toBe(0);
    expect(discountWith(offer, { at: { kind: 'instant', instant: '2025-03-14T23:30:00Z', timeZone: 'Europe/London' } })).toBe(1_500);
  });
});

describe('who an offer is for', () => {
  it.each<[string, OfferInput['audience'], Customer, number]>([
    ['a tier the customer is on', { tiers: ['silver'] }, member({ rollingSpendKopecks: SPEND.silver }), 1_500],
    ['a tier the customer is not on', { tiers: ['gold'] }, member({ rollingSpendKopecks: SPEND.silver }), 0],
    ['a segment the customer is in', { segments: ['students', 'parents'] }, member({ segments: ['parents'] }), 1_500],
    ['a segment the customer is not in', { segments: ['students'] }, member({ segments: ['parents'] }), 0],
    ['a personal offer for this customer', { customerIds: ['c-9', 'c-1'] }, member(), 1_500],
    ['a personal offer for someone else', { customerIds: ['c-9'] }, member(), 0],
    ['first purchase, and it is', { firstPurchase: true }, member({ purchaseCount: 0 }), 1_500],
    ['first purchase, and it is not', { firstPurchase: true }, member({ purchaseCount: 1 }), 0],
    ['birthday window, no birthday on file', { birthday: { daysBefore: 7, daysAfter: 7 } }, member(), 0],
    ['all criteria must hold', { segments: ['students'], firstPurchase: true }, member({ segments: ['students'], purchaseCount: 2 }), 0],
  ])('%s', (_label, audience, customer, discount) => {
    expect(discountWith(tenOff({ audience }), { customer })).toBe(discount);
  });

  it('nobody gets member offers without a card', () => {
    const r = priceReceipt(sale({ lines: basket, offers: offers([tenOff()]), customer: null, redeem: 500 }));
    expect(r.totals).toMatchObject({ discount: 0, redeemed: 0, accrued: 0, payable: 15_000 });
    expect(r.redemptionLimit).toBe('noCustomer');
    expect(r.explanations.map((e) => e.code)).toEqual(['noCustomer', 'redemptionClamped']);
  });
});

describe('what triggers an offer and what it touches', () => {
  it('targets by product or category; other lines are untouched', () => {
    const r = priceReceipt(sale({ lines: basket, offers: offers([tenOff({ target: { categories: ['bakery'] } })]) }));
    expect(r.lines.map((l) => l.discount)).toEqual([0, 500]);
    expect(r.lines.map((l) => l.offerIds)).toEqual([[], ['o']]);
  });

  it('a line matched both by product and category is discounted once', () => {
    const r = priceReceipt(sale({ lines: basket, offers: offers([tenOff({ target: { products: ['coffee'], categories: ['drinks'] } })]) }));
    expect(r.lines[0]?.discount).toBe(1_000);
  });

  it.each<[string, OfferInput['conditions'], number]>([
    ['minimum receipt reached exactly', { minReceiptKopecks: 15_000 }, 1_500],
    ['minimum receipt missed by a kopeck', { minReceiptKopecks: 15_001 }, 0],
    ['a required product present', { requires: { products: ['coffee'] } }, 1_500],
    ['a required category absent', { requires: { categories: ['fish'] } }, 0],
    ['minimum quantity of targets met', { minQuantityMilli: 2_000 }, 1_500],
    ['minimum quantity of targets missed', { minQuantityMilli: 3_000 }, 0],
  ])('%s', (_label, conditions, discount) => {
    expect(discountWith(tenOff({ conditions }))).toBe(discount);
  });

  it('"buy coffee, croissants 20 % off": the condition and the target differ', () => {
    const offer = tenOff({
      target: { categories: ['bakery'] },
      conditions: { requires: { categories: ['coffee'] } },
      effect: { type: 'percentDiscount', basisPoints: 2_000 },
    });
    expect(priceReceipt(sale({ lines: basket, offers: offers([offer]) })).lines.map((l) => l.discount)).toEqual([0, 1_000]);
    expect(priceReceipt(sale({ lines: [basket[1]!], offers: offers([offer]) })).totals.discount).toBe(0);
  });

  it('excluded lines neither trigger offers nor count toward their thresholds', () => {
    const lines = [line('cig', 'cigarettes', ['tobacco'], 20_000), line('w', 'water', ['drinks'], 5_000)];
    const byProduct = tenOff({ conditions: { requires: { products: ['cigarettes'] } } });
    const byTotal = tenOff({ conditions: { minReceiptKopecks: 10_000 } });
    expect(priceReceipt(sale({ lines, offers: offers([byProduct]) })).totals.discount).toBe(0);
    expect(priceReceipt(sale({ lines, offers: offers([byTotal]) })).totals.discount).toBe(0);
  });
});

describe('stacking', () => {
  const a = tenOff({ id: 'a', priority: 2 });
  const b = tenOff({ id: 'b', priority: 1, effect: { type: 'percentDiscount', basisPoints: 5_000 } });

  it('non-exclusive discounts compound in priority order', () => {
    // 10 % then 50 % of the rest: coffee 100 -> 90 -> 45.
    const r = priceReceipt(sale({ lines: basket, offers: offers([b, a]) }));
    expect(r.lines[0]).toMatchObject({ discount: 5_500, net: 4_500, offerIds: ['a', 'b'] });
  });

  it('priority ties are broken by offer id, never by list order', () => {
    const x = tenOff({ id: 'x', exclusive: true });
    const y = tenOff({ id: 'y', exclusive: true, effect: { type: 'percentDiscount', basisPoints: 5_000 } });
    const one = priceReceipt(sale({ lines: basket, offers: offers([x, y]) }));
    const two = priceReceipt(sale({ lines: basket, offers: offers([y, x]) }));
    expect(one).toEqual(two);
    expect(one.appliedOffers.map((o) => o.id)).toEqual(['x']);
  });

  it('an exclusive offer with top priority keeps its lines from all others', () => {
    const r = priceReceipt(sale({ lines: basket, offers: offers([{ ...a, exclusive: true }, b]) }));
    expect(r.totals.discount).toBe(1_500);
    expect(r.explanations.find((e) => e.code === 'offerSkippedExclusive')?.offerId).toBe('b');
  });

  it('a used-up offer is skipped with a reason, and the next one applies', () => {
    const limited = { ...a, limit: { perCustomer: 2, periodDays: 30 } };
    const r = priceReceipt(sale({ lines: basket, offers: offers([limited, b]), usage: { a: 2 } }));
    expect(r.totals.discount).toBe(7_500);
    expect(r.appliedOffers).toEqual([{ id: 'b', version: 0 }]);
    expect(r.explanations[0]).toMatchObject({ code: 'offerSkippedLimit', offerId: 'a' });
    expect(priceReceipt(sale({ lines: basket, offers: offers([limited, b]), usage: { a: 1 } })).appliedOffers.map((o) => o.id)).toEqual(['a', 'b']);
  });

  it('a prebuilt index prices the same as the plain list', () => {
    const list = offers([a, b]);
    expect(priceReceipt(sale({ lines: basket, offers: indexOffers(list) }))).toEqual(priceReceipt(sale({ lines: basket, offers: list })));
  });

  it('welcome offers never apply at a sale', () => {
    const welcome = tenOff({ id: 'w', priority: 9, effect: { type: 'welcome', amountKopecks: 10_000 } });
    const r = priceReceipt(sale({ lines: basket, offers: offers([welcome]), customer: member({ purchaseCount: 0 }) }));
    expect(r.appliedOffers).toEqual([]);
    expect(r.totals.accrued).toBe(450);
    // A welcome offer ranked above a sale offer does not shift which sale offer applies.
    const both = priceReceipt(sale({ lines: basket, offers: indexOffers(offers([welcome, a, b])) }));
    expect(both.appliedOffers.map((o) => o.id)).toEqual(['a', 'b']);
  });
});

describe('usesInPeriod', () => {
  const day = 86_400_000;
  const now = 100 * day;
  const [offer] = offers([tenOff({ limit: { perCustomer: 1, periodDays: 7 } }), tenOff({ id: 'life', limit: { perCustomer: 1 } })]);
  it('counts uses inside the rolling period, or all of them without one', () => {
    const uses = [now - 8 * day, now - 7 * day, now - 6 * day, now];
    expect(usesInPeriod(offer!, uses, now)).toBe(2);
    expect(usesInPeriod(offers([tenOff({ limit: { perCustomer: 1 } })])[0]!, uses, now)).toBe(4);
  });
});
