import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { percentOf } from '../money';
import { priceReceipt, type PriceInput, type PricedReceipt } from './pricing';
import { priceReturn, type ReturnLineRequest, type ReturnResult } from './returns';
import { indexOffers } from './eligibility';
import { applyRedemption, availableBalance, makeLot, pendingBalance, restoreRedemption, reverseAccrual, type Lot } from './lots';
import { parseOffers, type OfferInput } from './offers';
import { parseProgramme, type Programme } from './programme';
import type { BasketLine, Customer } from './input';
import { DEMO_PROGRAMME } from './testkit';

const CATEGORIES = ['dairy', 'bakery', 'fruit', 'drinks', 'tobacco', 'care'];
const PRODUCTS = Array.from({ length: 12 }, (_, i) => `p${i}`);

const arbProgramme: fc.Arbitrary<Programme> = fc
  .record({
    rates: fc.array(fc.integer({ min: 0, max: 2_000 }), { minLength: 1, maxLength: 3 }),
    share: fc.integer({ min: 0, max: 10_000 }),
    minPay: fc.integer({ min: 0, max: 500 }),
    earns: fc.boolean(),
    extraExcluded: fc.boolean(),
  })
  .map(({ rates, share, minPay, earns, extraExcluded }) => {
    const r = parseProgramme({
      ...DEMO_PROGRAMME,
      tiers: rates.map((rate, i) => ({ id: `t${i}`, name: { ru: `У${i}`, en: `T${i}` }, accrualBasisPoints: rate, minSpendKopecks: i * 1_000_000 })),
      redemption: { maxShareBasisPoints: share, minPayPerLineKopecks: minPay, redeemedPartEarns: earns },
      excludedCategories: extraExcluded ? ['tobacco', 'care'] : ['tobacco'],
    });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    return r.value;
  });

const arbTarget = fc.oneof(
  fc.constant({}),
  fc.record({ products: fc.subarray(PRODUCTS, { minLength: 1, maxLength: 4 }) }),
  fc.record({ categories: fc.subarray(CATEGORIES, { minLength: 1, maxLength: 2 }) }),
);

const arbEffect = fc.oneof(
  fc.record({ type: fc.constant('extraAccrual' as const), basisPoints: fc.integer({ min: 1, max: 2_000 }) }),
  fc.record({ type: fc.constant('accrualMultiplier' as const), percent: fc.integer({ min: 101, max: 500 }) }),
  fc.record({ type: fc.constant('fixedBonus' as const), amountKopecks: fc.integer({ min: 1, max: 10_000 }) }),
  fc.record({ type: fc.constant('percentDiscount' as const), basisPoints: fc.integer({ min: 1, max: 10_000 }) }),
  fc
    .integer({ min: 2, max: 4 })
    .chain((buy) => fc.record({ type: fc.constant('nForM' as const), buy: fc.constant(buy), pay: fc.integer({ min: 1, max: buy - 1 }) })),
);

const arbOffer = (id: string): fc.Arbitrary<OfferInput> =>
  fc.record(
    {
      id: fc.constant(id),
      name: fc.constant({ ru: `Акция ${id}`, en: `Offer ${id}` }),
      priority: fc.integer({ min: -2, max: 2 }),
      exclusive: fc.boolean(),
      target: arbTarget,
      conditions: fc.record(
        {
          minReceiptKopecks: fc.integer({ min: 1, max: 50_000 }),
          minQuantityMilli: fc.integer({ min: 1, max: 5_000 }),
          requires: fc.record({ categories: fc.subarray(CATEGORIES, { minLength: 1, maxLength: 2 }) }),
        },
        { requiredKeys: [] },
      ),
      effect: arbEffect,
      limit: fc.record({ perCustomer: fc.integer({ min: 1, max: 2 }) }),
    },
    { requiredKeys: ['id', 'name', 'effect', 'target'] },
  );

const arbOffers = fc
  .integer({ min: 0, max: 6 })
  .chain((k) => fc.tuple(...Array.from({ length: k }, (_, i) => arbOffer(`o${i}`))))
  .map((list) => {
    const r = parseOffers(list);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    return r.value;
  });

const arbLine = fc
  .record({
    productId: fc.constantFrom(...PRODUCTS),
    categories: fc.subarray(CATEGORIES, { maxLength: 2 }),
    unitPriceKopecks: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 200_000 })),
    weighed: fc.boolean(),
    pieces: fc.integer({ min: 1, max: 5 }),
    grams: fc.integer({ min: 1, max: 5_000 }),
  })
  .map(({ pieces, grams, ...l }) => ({ ...l, quantityMilli: l.weighed ? grams : pieces * 1_000 }));

const arbCustomer: fc.Arbitrary<Customer | null> = fc.option(
  fc.record({
    id: fc.constant('c-1'),
    availableBonusKopecks: fc.integer({ min: 0, max: 200_000 }),
    rollingSpendKopecks: fc.integer({ min: 0, max: 3_000_000 }),
    segments: fc.constant([]),
    purchaseCount: fc.integer({ min: 0, max: 3 }),
    birthday: fc.constant(null),
  }),
  { freq: 8 },
);

const arbSale: fc.Arbitrary<PriceInput> = fc
  .record({
    programme: arbProgramme,
    offers: arbOffers,
    lines: fc.array(arbLine, { minLength: 1, maxLength: 10 }),
    customer: arbCustomer,
    redeem: fc.oneof(fc.constant('max' as const), fc.integer({ min: 0, max: 300_000 })),
    online: fc.boolean(),
    offlineAllowanceKopecks: fc.integer({ min: 0, max: 100_000 }),
    usage: fc.record({ o0: fc.integer({ min: 0, max: 2 }), o1: fc.integer({ min: 0, max: 2 }) }),
    hour: fc.integer({ min: 0, max: 23 }),
  })
  .map(({ lines, hour, ...rest }) => ({
    ...rest,
    receiptId: 'r-prop',
    store: { id: 's-1', regionId: 'msk' },
    at: { kind: 'local' as const, year: 2025, month: 3, day: 12, hour, minute: 0 },
    lines: lines.map((l, i): BasketLine => ({ ...l, lineId: `L${i}` })),
  }));

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
const RUNS = { numRuns: 400 };

describe('pricing properties', () => {
  it('every kopeck is accounted for, per line and in the totals', () => {
    fc.assert(
      fc.property(arbSale, (input) => {
        const r = priceReceipt(input);
        for (const l of r.lines) {
          expect(l.discount + l.net).toBe(l.amount);
          expect(l.redeemed + l.payable).toBe(l.net);
        }
        expect(r.totals.subtotal).toBe(sum(r.lines.map((l) => l.amount)));
        expect(r.totals.discount).toBe(sum(r.lines.map((l) => l.discount)));
        expect(r.totals.redeemed).toBe(sum(r.lines.map((l) => l.redeemed)));
        expect(r.totals.payable).toBe(sum(r.lines.map((l) => l.payable)));
        expect(r.totals.accrued).toBe(sum(r.lines.map((l) => l.accrued)));
        expect(r.totals.subtotal).toBe(r.totals.discount + r.totals.redeemed + r.totals.payable);
        // The explanation list adds up to the same figures the receipt shows.
        const by = (...codes: string[]) => sum(r.explanations.filter((e) => codes.includes(e.code)).map((e) => e.amount));
        expect(by('offerDiscount', 'offerFreeItems')).toBe(r.totals.discount);
        expect(by('tierAccrual', 'offerAccrual', 'offerFixedBonus')).toBe(r.totals.accrued);
        expect(by('redemption')).toBe(r.totals.redeemed);
      }),
      RUNS,
    );
  });

  it('nothing goes negative, and a line that takes bonuses keeps its minimum to pay', () => {
    fc.assert(
      fc.property(arbSale, (input) => {
        const r = priceReceipt(input);
        const minPay = input.programme.redemption.minPayPerLineKopecks;
        for (const l of r.lines) {
          expect(l.discount).toBeGreaterThanOrEqual(0);
          expect(l.redeemed).toBeGreaterThanOrEqual(0);
          expect(l.accrued).toBeGreaterThanOrEqual(0);
          expect(l.payable).toBeGreaterThanOrEqual(0);
          if (l.redeemed > 0) expect(l.payable).toBeGreaterThanOrEqual(minPay);
        }
      }),
      RUNS,
    );
  });

  it('redemption never exceeds the request, balance, receipt cap or offline allowance', () => {
    fc.assert(
      fc.property(arbSale, (input) => {
        const r = priceReceipt(input);
        const red = r.totals.redeemed;
        const requested = input.redeem === 'max' ? r.maxRedeemable : input.redeem;
        expect(red).toBe(Math.min(requested, r.maxRedeemable));
        expect(red).toBeLessThanOrEqual(input.customer?.availableBonusKopecks ?? 0);
        expect(red).toBeLessThanOrEqual(percentOf(r.totals.eligibleNet, input.programme.redemption.maxShareBasisPoints));
        if (!input.online) expect(red).toBeLessThanOrEqual(input.offlineAllowanceKopecks);
        expect(r.explanations.some((e) => e.code === 'redemptionClamped')).toBe(requested > r.maxRedeemable);
      }),
      RUNS,
    );
  });

  it('excluded categories are untouched', () => {
    fc.assert(
      fc.property(arbSale, (input) => {
        const r = priceReceipt(input);
        for (const l of r.lines) {
          const excluded = l.categories.some((c) => input.programme.excludedCategories.includes(c));
          expect(l.excluded).toBe(excluded);
          if (excluded) {
            expect(l).toMatchObject({ discount: 0, redeemed: 0, accrued: 0, payable: l.amount, offerIds: [] });
          }
        }
      }),
      RUNS,
    );
  });

  it('without offers, accrual is the tier rate on what earns, floored once per receipt', () => {
    fc.assert(
      fc.property(arbSale, (input) => {
        const r = priceReceipt({ ...input, offers: [] });
        if (!input.customer) {
          expect(r.totals.accrued).toBe(0);
          return;
        }
        const rate = input.programme.tiers.find((t) => t.id === r.tierId)?.accrualBasisPoints ?? -1;
        const earns = input.programme.redemption.redeemedPartEarns;
        const base = sum(r.lines.filter((l) => !l.excluded).map((l) => l.net - (earns ? 0 : l.redeemed)));
        expect(r.totals.accrued).toBe(percentOf(base, rate));
      }),
      RUNS,
    );
  });

  it('same input, same receipt; offer list order and indexing do not matter', () => {
    fc.assert(
      fc.property(arbSale, (input) => {
        const list = input.offers as readonly Parameters<typeof indexOffers>[0][number][];
        const a = priceReceipt(input);
        expect(priceReceipt(input)).toEqual(a);
        expect(priceReceipt({ ...input, offers: [...list].reverse() })).toEqual(a);
        expect(priceReceipt({ ...input, offers: indexOffers(list) })).toEqual(a);
      }),
      { numRuns: 200 },
    );
  });
});

/** Split every line's quantity into random chunks and interleave them into return steps. */
function returnPlan(receipt: PricedReceipt, cuts: readonly number[]): ReturnLineRequest[][] {
  let k = 0;
  const next = (): number => cuts[k++ % Math.max(1, cuts.length)] ?? 1;
  const chunks: { lineId: string; quantityMilli: number; order: number }[] = [];
  for (const l of receipt.lines) {
    const step = l.weighed ? 1 : 1_000;
    let left = l.quantityMilli;
    while (left > 0) {
      const units = left / step;
      const take = Math.min(units, 1 + (next() % units)) * step;
      chunks.push({ lineId: l.lineId, quantityMilli: take, order: next() });
      left -= take;
    }
  }
  chunks.sort((a, b) => a.order - b.order);
  // Group into steps; a line appears at most once per step.
  const steps: ReturnLineRequest[][] = [];
  for (const c of chunks) {
    const open = steps.find((s, i) => i === steps.length - 1 && !s.some((r) => r.lineId === c.lineId) && next() % 2 === 0);
    if (open) open.push({ lineId: c.lineId, quantityMilli: c.quantityMilli });
    else steps.push([{ lineId: c.lineId, quantityMilli: c.quantityMilli }]);
  }
  return steps;
}

describe('return properties', () => {
  it('returning every line in random partial steps gives back exactly what the sale took and gave', () => {
    fc.assert(
      fc.property(arbSale, fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 30 }), (input, cuts) => {
        const sold = priceReceipt(input);
        const done: ReturnResult[] = [];
        for (const step of returnPlan(sold, cuts)) {
          const r = priceReturn(sold, step, done);
          for (const l of r.lines) {
            expect(l.refund).toBeGreaterThanOrEqual(0);
            expect(l.restoredBonus).toBeGreaterThanOrEqual(0);
            expect(l.reversedAccrual).toBeGreaterThanOrEqual(0);
          }
          done.push(r);
        }
        const total = (f: (r: ReturnResult) => number) => sum(done.map(f));
        expect(total((r) => r.totals.refund)).toBe(sold.totals.payable);
        expect(total((r) => r.totals.discount)).toBe(sold.totals.discount);
        expect(total((r) => r.totals.restoredBonus)).toBe(sold.totals.redeemed);
        expect(total((r) => r.totals.reversedAccrual)).toBe(sold.totals.accrued);
        expect(done.map((r) => r.receiptFullyReturned)).toEqual(done.map((_, i) => i === done.length - 1));
      }),
      { numRuns: 300 },
    );
  });

  it('through the ledger: after a full return the customer’s lots are as before the sale', () => {
    const DAY = 86_400_000;
    const now = Date.UTC(2025, 2, 12, 9);
    fc.assert(
      fc.property(
        arbSale,
        fc.array(fc.record({ amount: fc.integer({ min: 1, max: 50_000 }), ageDays: fc.integer({ min: 0, max: 400 }) }), { maxLength: 6 }),
        fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 30 }),
        (input, lotSpecs, cuts) => {
          const programme = input.programme;
          const before: Lot[] = lotSpecs.map((s, i) => makeLot(programme, { id: `L${i}`, amount: s.amount, earnedAtMs: now - s.ageDays * DAY }));
          const balance = availableBalance(before, now);
          const sold = priceReceipt({ ...input, customer: input.customer && { ...input.customer, availableBonusKopecks: balance } });
          const spent = applyRedemption(before, sold.totals.redeemed, now);
          if (!spent.ok) throw new Error(spent.message);
          let lots = [...spent.lots, makeLot(programme, { id: 'accrual', amount: sold.totals.accrued, earnedAtMs: now })];
          let outstanding = spent.consumed;
          const done: ReturnResult[] = [];
          for (const step of returnPlan(sold, cuts)) {
            const r = priceReturn(sold, step, done);
            done.push(r);
            const restored = restoreRedemption(lots, outstanding, r.totals.restoredBonus);
            outstanding = restored.outstanding;
            const reversed = reverseAccrual(restored.lots, 'accrual', r.totals.reversedAccrual);
            expect(reversed.shortfall).toBe(0);
            lots = reversed.lots;
          }
          expect(availableBalance(lots, now)).toBe(balance);
          expect(pendingBalance(lots, now)).toBe(pendingBalance(before, now));
          expect(lots.filter((l) => l.id !== 'accrual')).toEqual(before);
        },
      ),
      { numRuns: 300 },
    );
  });
});
