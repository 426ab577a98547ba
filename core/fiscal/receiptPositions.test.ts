import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseOffers, priceReceipt, priceReturn, type OfferInput, type PricedReceipt, type ReturnLineRequest } from '../engine';
import { demoProgramme, line, member, sale } from '../engine/testkit';
import type { BasketLine } from '../engine/input';
import {
  positionAmount,
  priceGroups,
  returnPositions,
  salePositions,
  type FiscalPositions,
  type FiscalProduct,
  type FiscalSettings,
  type MarkingCodes,
} from './receiptPositions';
import { receiptPayments } from './receiptPayments';
import { loyaltyTextLines } from './loyaltyText';

const CATEGORIES = ['dairy', 'bakery', 'fruit', 'drinks', 'tobacco'];
const PRODUCTS: Record<string, FiscalProduct> = {
  p0: { name: 'Молоко 3,2%', vat: 'vat10' },
  p1: { name: 'Хлеб', vat: 'vat10' },
  p2: { name: 'Яблоки', vat: 'vat10' },
  p3: { name: 'Сок', vat: 'vat22' },
  p4: { name: 'Шампунь' },
  p5: { name: 'Сыр весовой' },
  p6: { name: 'Вода питьевая', vat: 'vat22', marked: true },
  p7: { name: 'Кефир', vat: 'vat10', marked: true },
};
const lookup = (id: string) => PRODUCTS[id];
const DISCOUNT: FiscalSettings = { defaultVat: 'vat22', bonuses: 'discount' };
const PAYMENT: FiscalSettings = { defaultVat: 'vat22', bonuses: 'otherPayment' };

/** A DataMatrix-like code: GTIN, serial, GS, crypto tail. */
const code = (line: string, i: number) => `0104600000000${String(i).padStart(3, '0')}21${line}x${i}\u001d93abcd`;

function codesFor(lines: readonly BasketLine[], quantities?: ReadonlyMap<string, number>): MarkingCodes {
  const out: Record<string, string[]> = {};
  for (const l of lines) {
    if (!PRODUCTS[l.productId]?.marked) continue;
    const q = quantities?.get(l.lineId) ?? l.quantityMilli;
    const n = l.weighed ? 1 : q / 1000;
    out[l.lineId] = Array.from({ length: n }, (_, i) => code(l.lineId, i));
  }
  return out;
}

/** Every rule a receipt's positions must keep, whatever the basket. */
function checkPositions(fp: FiscalPositions, expected: { total: number; bonus: number; perLine: Map<string, { amount: number; quantity: number }> }) {
  expect(fp.totalKopecks).toBe(expected.total);
  expect(fp.positions.reduce((s, p) => s + p.amountKopecks, 0)).toBe(expected.total);
  expect(fp.bonusPaymentKopecks).toBe(expected.bonus);
  expect(fp.moneyKopecks).toBe(expected.total - expected.bonus);
  for (const p of fp.positions) {
    expect(p.amountKopecks).toBeGreaterThanOrEqual(0);
    expect(p.priceKopecks).toBeGreaterThanOrEqual(0);
    expect(Number.isSafeInteger(p.amountKopecks) && Number.isSafeInteger(p.priceKopecks)).toBe(true);
    expect(positionAmount(p.priceKopecks, p.quantityMilli)).toBe(p.amountKopecks);
    if (p.markingCode !== undefined && p.unit === 'piece') expect(p.quantityMilli).toBe(1000);
  }
  for (const [lineId, want] of expected.perLine) {
    const mine = fp.positions.filter((p) => p.lineId === lineId);
    expect(mine.reduce((s, p) => s + p.amountKopecks, 0)).toBe(want.amount);
    expect(mine.reduce((s, p) => s + p.quantityMilli, 0)).toBe(want.quantity);
  }
}

const arbLine = (i: number): fc.Arbitrary<BasketLine> =>
  fc
    .record({
      product: fc.constantFrom(...Object.keys(PRODUCTS)),
      category: fc.constantFrom(...CATEGORIES),
      price: fc.oneof(fc.integer({ min: 0, max: 2_000 }), fc.integer({ min: 0, max: 500_000 })),
      weighed: fc.boolean(),
      grams: fc.integer({ min: 1, max: 6_000 }),
      pieces: fc.integer({ min: 1, max: 7 }),
    })
    .map((r) => line(`l${i}`, r.product, [r.category], r.price, r.weighed ? r.grams : r.pieces * 1000, r.weighed));

const arbOffers = fc
  .array(
    fc.oneof(
      fc.record({ type: fc.constant('percentDiscount' as const), basisPoints: fc.integer({ min: 1, max: 10_000 }) }),
      fc
        .integer({ min: 2, max: 4 })
        .chain((buy) => fc.record({ type: fc.constant('nForM' as const), buy: fc.constant(buy), pay: fc.integer({ min: 1, max: buy - 1 }) })),
    ),
    { maxLength: 3 },
  )
  .chain((effects) =>
    fc.tuple(
      ...effects.map((effect, i) =>
        fc
          .subarray(CATEGORIES, { minLength: 1, maxLength: 3 })
          .map((cats): OfferInput => ({ id: `o${i}`, name: { ru: `Акция ${i}`, en: `Offer ${i}` }, target: { categories: cats }, effect })),
      ),
    ),
  )
  .map((list) => {
    const r = parseOffers(list);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    return r.value;
  });

const arbSale = fc
  .record({
    lines: fc.integer({ min: 1, max: 8 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => arbLine(i)))),
    offers: arbOffers,
    balance: fc.integer({ min: 0, max: 2_000_000 }),
    redeem: fc.oneof(fc.constant('max' as const), fc.integer({ min: 0, max: 1_000_000 })),
    share: fc.integer({ min: 0, max: 10_000 }),
    withCard: fc.boolean(),
  })
  .map((r): PricedReceipt =>
    priceReceipt(
      sale({
        programme: demoProgramme({ redemption: { maxShareBasisPoints: r.share, minPayPerLineKopecks: 0, redeemedPartEarns: false } }),
        lines: r.lines,
        offers: r.offers,
        customer: r.withCard ? member({ availableBonusKopecks: r.balance }) : null,
        redeem: r.withCard ? r.redeem : 0,
      }),
    ),
  );

describe('receipt positions', () => {
  it('positions sum exactly to the payable, none negative, price x quantity = amount (property)', () => {
    fc.assert(
      fc.property(arbSale, (priced) => {
        const lines = priced.lines.map((l) => line(l.lineId, l.productId, l.categories, l.unitPriceKopecks, l.quantityMilli, l.weighed));
        const codes = codesFor(lines);

        const asDiscount = salePositions(priced, lookup, DISCOUNT, codes);
        checkPositions(asDiscount, {
          total: priced.totals.payable,
          bonus: 0,
          perLine: new Map(priced.lines.map((l) => [l.lineId, { amount: l.payable, quantity: l.quantityMilli }])),
        });

        const asPayment = salePositions(priced, lookup, PAYMENT, codes);
        checkPositions(asPayment, {
          total: priced.totals.net,
          bonus: priced.totals.redeemed,
          perLine: new Map(priced.lines.map((l) => [l.lineId, { amount: l.net, quantity: l.quantityMilli }])),
        });
        expect(asPayment.moneyKopecks).toBe(priced.totals.payable);

        // Every marked piece is its own position with its own code.
        const marked = asDiscount.positions.filter((p) => p.markingCode !== undefined);
        expect(new Set(marked.map((p) => p.markingCode)).size).toBe(marked.length);
        expect(marked.length).toBe(Object.values(codes).reduce((s, c) => s + c.length, 0));
      }),
      { numRuns: 400 },
    );
  });

  it('return positions sum exactly to the refund (and bonuses restored, as a payment) (property)', () => {
    fc.assert(
      fc.property(arbSale, fc.array(fc.nat(), { minLength: 8, maxLength: 8 }), (priced, picks) => {
        const requests: ReturnLineRequest[] = priced.lines.flatMap((l, i) => {
          const pick = picks[i] ?? 0;
          if (pick % 3 === 0) return [];
          const q = l.weighed ? 1 + (pick % l.quantityMilli) : 1000 * (1 + (pick % (l.quantityMilli / 1000)));
          return [{ lineId: l.lineId, quantityMilli: q }];
        });
        fc.pre(requests.length > 0);
        const returned = priceReturn(priced, requests);
        const quantities = new Map(requests.map((r) => [r.lineId, r.quantityMilli]));
        const lines = priced.lines
          .filter((l) => quantities.has(l.lineId))
          .map((l) => line(l.lineId, l.productId, l.categories, l.unitPriceKopecks, l.quantityMilli, l.weighed));
        const codes = codesFor(lines, quantities);

        checkPositions(returnPositions(priced, returned, lookup, DISCOUNT, codes), {
          total: returned.totals.refund,
          bonus: 0,
          perLine: new Map(returned.lines.map((r) => [r.lineId, { amount: r.refund, quantity: r.quantityMilli }])),
        });
        checkPositions(returnPositions(priced, returned, lookup, PAYMENT, codes), {
          total: returned.totals.refund + returned.totals.restoredBonus,
          bonus: returned.totals.restoredBonus,
          perLine: new Map(returned.lines.map((r) => [r.lineId, { amount: r.refund + r.restoredBonus, quantity: r.quantityMilli }])),
        });
      }),
      { numRuns: 300 },
    );
  });

  it('price groups keep the rounding rule for any amount and weight (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000_000 }), fc.integer({ min: 1, max: 200_000 }), fc.boolean(), (amount, grams, weighed) => {
        const quantity = weighed ? grams : 1000 * (1 + (grams % 50));
        const groups = priceGroups(amount, quantity, weighed);
        expect(groups.length).toBeGreaterThan(0);
        expect(groups.length).toBeLessThanOrEqual(2);
        expect(groups.reduce((s, g) => s + g.amountKopecks, 0)).toBe(amount);
        expect(groups.reduce((s, g) => s + g.quantityMilli, 0)).toBe(quantity);
        for (const g of groups) {
          expect(g.priceKopecks).toBeGreaterThanOrEqual(0);
          expect(positionAmount(g.priceKopecks, g.quantityMilli)).toBe(g.amountKopecks);
        }
        // Up to 1 kg a weighed line is always one position.
        if (weighed && quantity <= 1000) expect(groups).toHaveLength(1);
      }),
      { numRuns: 2_000 },
    );
  });

  it('splits pieces whose amount has no whole-kopeck unit price', () => {
    expect(priceGroups(100, 3000, false)).toEqual([
      { priceKopecks: 33, quantityMilli: 2000, amountKopecks: 66 },
      { priceKopecks: 34, quantityMilli: 1000, amountKopecks: 34 },
    ]);
    expect(priceGroups(9_000, 3000, false)).toEqual([{ priceKopecks: 3_000, quantityMilli: 3000, amountKopecks: 9_000 }]);
  });

  it('prices weighed goods per kg, splitting off 1.000 kg only when no price rounds to the amount', () => {
    // 0.345 kg for 34.50 ₽: 100.00 ₽/kg.
    expect(priceGroups(3_450, 345, true)).toEqual([{ priceKopecks: 10_000, quantityMilli: 345, amountKopecks: 3_450 }]);
    // 2.345 kg for 100.00 ₽: 42.64 ₽/kg gives 99.99 ₽, 42.65 ₽/kg gives 100.01 ₽.
    const split = priceGroups(10_000, 2_345, true);
    expect(split).toEqual([
      { priceKopecks: 4_264, quantityMilli: 1_345, amountKopecks: 5_735 },
      { priceKopecks: 4_265, quantityMilli: 1_000, amountKopecks: 4_265 },
    ]);
  });

  it('uses the product VAT rate, the configured default otherwise, and bonuses as the chain treats them', () => {
    const priced = priceReceipt(
      sale({
        lines: [line('a', 'p0', ['dairy'], 10_000), line('b', 'p4', ['care'], 20_000, 2000)],
        customer: member({ availableBonusKopecks: 5_000 }),
        redeem: 5_000,
      }),
    );
    expect(priced.totals.redeemed).toBe(5_000);
    const d = salePositions(priced, lookup, { defaultVat: 'vat20', bonuses: 'discount' });
    expect(d.positions.map((p) => [p.name, p.vat, p.amountKopecks])).toEqual([
      ['Молоко 3,2%', 'vat10', priced.lines[0]?.payable],
      ['Шампунь', 'vat20', priced.lines[1]?.payable],
    ]);
    expect(d.totalKopecks).toBe(45_000);
    expect(receiptPayments(d, 20_000)).toEqual([
      { kind: 'card', amountKopecks: 20_000 },
      { kind: 'cash', amountKopecks: 25_000 },
    ]);
    const p = salePositions(priced, lookup, PAYMENT);
    expect(p.totalKopecks).toBe(50_000);
    expect(receiptPayments(p, 45_000)).toEqual([
      { kind: 'card', amountKopecks: 45_000 },
      { kind: 'bonus', amountKopecks: 5_000 },
    ]);
  });

  it('marked goods need one code per piece, on return too; unknown products are refused', () => {
    const priced = priceReceipt(sale({ lines: [line('w', 'p6', ['drinks'], 5_000, 3000)] }));
    expect(() => salePositions(priced, lookup, DISCOUNT)).toThrow(/needs 3 marking code/);
    expect(() => salePositions(priced, lookup, DISCOUNT, { w: ['a', 'a', 'b'] })).toThrow(/same marking code twice/);
    const fp = salePositions(priced, lookup, DISCOUNT, { w: ['a', 'b', 'c'] });
    expect(fp.positions.map((p) => [p.markingCode, p.quantityMilli, p.amountKopecks])).toEqual([
      ['a', 1000, 5_000],
      ['b', 1000, 5_000],
      ['c', 1000, 5_000],
    ]);
    const returned = priceReturn(priced, [{ lineId: 'w', quantityMilli: 1000 }]);
    expect(() => returnPositions(priced, returned, lookup, DISCOUNT)).toThrow(/needs 1 marking code/);
    expect(returnPositions(priced, returned, lookup, DISCOUNT, { w: ['b'] }).positions).toHaveLength(1);
    expect(() => salePositions(priced, () => undefined, DISCOUNT)).toThrow(/no fiscal data/);
  });

  it('refuses a card amount above the money due', () => {
    expect(() => receiptPayments({ moneyKopecks: 100, bonusPaymentKopecks: 0 }, 101)).toThrow(RangeError);
    expect(receiptPayments({ moneyKopecks: 0, bonusPaymentKopecks: 0 }, 0)).toEqual([{ kind: 'cash', amountKopecks: 0 }]);
  });

  it('prints the loyalty block in Russian', () => {
    expect(
      loyaltyTextLines({ accruedKopecks: 1_234, redeemedKopecks: 5_000, balanceAfterKopecks: 10_050, bonusUnitKopecks: 100, message: 'Ждём вас снова!' }),
    ).toEqual(['Программа лояльности', 'Списано: 50,00 бонуса', 'Начислено: 12,34 бонуса', 'Баланс: 100,50 бонуса', 'Ждём вас снова!']);
    expect(loyaltyTextLines({ accruedKopecks: 0, redeemedKopecks: 0, balanceAfterKopecks: null, bonusUnitKopecks: 100 })).toEqual([]);
  });
});
