import { describe, it, expect } from 'vitest';
import { priceReceipt, type PriceInput, type PricedReceipt } from './pricing';
import { priceReturn } from './returns';
import type { OfferInput } from './offers';
import { demoProgramme, line, member, offers, sale, SPEND } from './testkit';

/**
 * The worked examples of docs/loyalty-rules.md, number for number. If one of these
 * changes, the document must change with it.
 */

const milk = line('milk', 'milk-1l', ['dairy', 'food'], 8_990, 2_000);
const bread = line('bread', 'bread-white', ['bakery', 'food'], 4_550);

const dairy20 = {
  id: 'dairy-20',
  name: { ru: 'Молочные будни', en: 'Dairy weekdays' },
  target: { categories: ['dairy'] },
  validity: { weekdays: [1, 2, 3, 4, 5] },
  effect: { type: 'percentDiscount', basisPoints: 2_000 },
} satisfies OfferInput;

const everything10 = {
  id: 'all-10',
  name: { ru: 'Минус 10 % на всё', en: '10% off everything' },
  effect: { type: 'percentDiscount', basisPoints: 1_000 },
} satisfies OfferInput;

const yoghurt3for2 = {
  id: 'yog-3for2',
  name: { ru: 'Йогурты 3 по цене 2', en: 'Yoghurts 3 for 2' },
  target: { categories: ['yoghurt'] },
  effect: { type: 'nForM', buy: 3, pay: 2 },
} satisfies OfferInput;

const fruitX2 = {
  id: 'fruit-x2',
  name: { ru: 'Двойные бонусы за фрукты', en: 'Double bonuses on fruit' },
  target: { categories: ['fruit'] },
  effect: { type: 'accrualMultiplier', percent: 200 },
} satisfies OfferInput;

const bigBasket = {
  id: 'big-basket',
  name: { ru: '50 бонусов за чек от 1000 ₽', en: '50 bonuses for a receipt over ₽1,000' },
  conditions: { minReceiptKopecks: 100_000 },
  effect: { type: 'fixedBonus', amountKopecks: 5_000 },
} satisfies OfferInput;

const milkExclusive = (priority: number) =>
  ({
    id: 'milk-25',
    name: { ru: 'Молоко −25 %', en: 'Milk 25% off' },
    priority,
    exclusive: true,
    target: { products: ['milk-1l'] },
    effect: { type: 'percentDiscount', basisPoints: 2_500 },
  }) satisfies OfferInput;

const dairyExtra = {
  id: 'dairy-plus2',
  name: { ru: '+2 % бонусами за молочное', en: '+2% bonuses on dairy' },
  priority: 5,
  target: { categories: ['dairy'] },
  effect: { type: 'extraAccrual', basisPoints: 200 },
} satisfies OfferInput;

const birthday = {
  id: 'birthday',
  name: { ru: 'С днём рождения', en: 'Happy birthday' },
  audience: { birthday: { daysBefore: 3, daysAfter: 3 } },
  effect: { type: 'extraAccrual', basisPoints: 500 },
  limit: { perCustomer: 1, periodDays: 365 },
} satisfies OfferInput;

interface Example {
  name: string;
  input: PriceInput;
  totals: { subtotal: number; discount: number; redeemed: number; payable: number; accrued: number };
  maxRedeemable: number;
  lines?: Record<string, { discount?: number; redeemed?: number; payable?: number; accrued?: number }>;
  codes: string[];
}

const examples: Example[] = [
  {
    name: '1. Plain accrual, Bronze 3 %',
    input: sale({ lines: [milk, bread] }),
    totals: { subtotal: 22_530, discount: 0, redeemed: 0, payable: 22_530, accrued: 675 },
    maxRedeemable: 0,
    lines: { milk: { accrued: 539 }, bread: { accrued: 136 } },
    codes: ['tierAccrual'],
  },
  {
    name: '2. Asking for more bonuses than 30 % of the receipt (Silver)',
    input: sale({
      lines: [line('coffee', 'coffee-beans', ['coffee'], 100_000)],
      customer: member({ rollingSpendKopecks: SPEND.silver, availableBonusKopecks: 50_000 }),
      redeem: 50_000,
    }),
    totals: { subtotal: 100_000, discount: 0, redeemed: 30_000, payable: 70_000, accrued: 3_500 },
    maxRedeemable: 30_000,
    codes: ['redemptionClamped', 'redemption', 'tierAccrual'],
  },
  {
    name: '3. Tobacco is untouched (Gold, 10 % off everything, spend the maximum)',
    input: sale({
      lines: [line('cig', 'cigarettes', ['tobacco'], 20_000), line('water', 'water-1l', ['drinks'], 5_000)],
      offers: offers([everything10]),
      customer: member({ rollingSpendKopecks: SPEND.gold, availableBonusKopecks: 100_000 }),
      redeem: 'max',
    }),
    totals: { subtotal: 25_000, discount: 500, redeemed: 1_350, payable: 23_150, accrued: 220 },
    maxRedeemable: 1_350,
    lines: {
      cig: { discount: 0, redeemed: 0, payable: 20_000, accrued: 0 },
      water: { discount: 500, redeemed: 1_350, payable: 3_150, accrued: 220 },
    },
    codes: ['excludedCategory', 'offerDiscount', 'redemption', 'tierAccrual'],
  },
  {
    name: '4. Every line keeps 1 ₽ to pay',
    input: sale({
      lines: [line('gum', 'gum', ['sweets'], 150), line('candy', 'candy', ['sweets'], 100)],
      customer: member({ availableBonusKopecks: 10_000 }),
      redeem: 'max',
    }),
    totals: { subtotal: 250, discount: 0, redeemed: 50, payable: 200, accrued: 6 },
    maxRedeemable: 50,
    lines: { gum: { redeemed: 50, payable: 100 }, candy: { redeemed: 0, payable: 100 } },
    codes: ['redemption', 'tierAccrual'],
  },
  {
    name: '5a. Offline till: spending held to the offline allowance',
    input: sale({
      lines: [line('tv', 'tv-43', ['electronics'], 300_000)],
      customer: member({ availableBonusKopecks: 200_000 }),
      online: false,
      offlineAllowanceKopecks: 30_000,
      redeem: 'max',
    }),
    totals: { subtotal: 300_000, discount: 0, redeemed: 30_000, payable: 270_000, accrued: 8_100 },
    maxRedeemable: 30_000,
    codes: ['redemption', 'tierAccrual'],
  },
  {
    name: '5b. The same sale online',
    input: sale({
      lines: [line('tv', 'tv-43', ['electronics'], 300_000)],
      customer: member({ availableBonusKopecks: 200_000 }),
      online: true,
      offlineAllowanceKopecks: 30_000,
      redeem: 'max',
    }),
    totals: { subtotal: 300_000, discount: 0, redeemed: 90_000, payable: 210_000, accrued: 6_300 },
    maxRedeemable: 90_000,
    codes: ['redemption', 'tierAccrual'],
  },
  {
    name: '6a. 20 % off dairy on weekdays (a Wednesday)',
    input: sale({ lines: [milk, bread], offers: offers([dairy20]) }),
    totals: { subtotal: 22_530, discount: 3_596, redeemed: 0, payable: 18_934, accrued: 568 },
    maxRedeemable: 0,
    lines: { milk: { discount: 3_596, payable: 14_384 } },
    codes: ['offerDiscount', 'tierAccrual'],
  },
  {
    name: '6b. The same basket on a Saturday',
    input: sale({
      lines: [milk, bread],
      offers: offers([dairy20]),
      at: { kind: 'local', year: 2025, month: 3, day: 15, hour: 12, minute: 0 },
    }),
    totals: { subtotal: 22_530, discount: 0, redeemed: 0, payable: 22_530, accrued: 675 },
    maxRedeemable: 0,
    codes: ['tierAccrual'],
  },
  {
    name: '7. Yoghurts 3 for 2: the cheapest is free, the discount is spread',
    input: sale({
      lines: [
        line('y60', 'yog-a', ['yoghurt', 'dairy'], 6_000),
        line('y50', 'yog-b', ['yoghurt', 'dairy'], 5_000),
        line('y40', 'yog-c', ['yoghurt', 'dairy'], 4_000),
      ],
      offers: offers([yoghurt3for2]),
    }),
    totals: { subtotal: 15_000, discount: 4_000, redeemed: 0, payable: 11_000, accrued: 330 },
    maxRedeemable: 0,
    lines: {
      y60: { discount: 1_600, payable: 4_400, accrued: 132 },
      y50: { discount: 1_333, payable: 3_667, accrued: 110 },
      y40: { discount: 1_067, payable: 2_933, accrued: 88 },
    },
    codes: ['offerFreeItems', 'tierAccrual'],
  },
  {
    name: '8. Double bonuses on fruit (weighed apples) and 50 bonuses over 1,000 ₽',
    input: sale({
      lines: [line('apples', 'apples', ['fruit'], 12_990, 1_234, true), line('salmon', 'salmon', ['fish'], 89_900)],
      offers: offers([fruitX2, bigBasket]),
    }),
    totals: { subtotal: 105_930, discount: 0, redeemed: 0, payable: 105_930, accrued: 8_658 },
    maxRedeemable: 0,
    lines: { apples: { payable: 16_030, accrued: 1_718 }, salmon: { accrued: 6_940 } },
    codes: ['tierAccrual', 'offerAccrual', 'offerFixedBonus'],
  },
  {
    name: '9a. An exclusive offer keeps its line to itself',
    input: sale({
      lines: [line('milk', 'milk-1l', ['dairy'], 10_000), line('kefir', 'kefir', ['dairy'], 8_000)],
      offers: offers([milkExclusive(10), dairyExtra]),
    }),
    totals: { subtotal: 18_000, discount: 2_500, redeemed: 0, payable: 15_500, accrued: 625 },
    maxRedeemable: 0,
    lines: { milk: { discount: 2_500, accrued: 225 }, kefir: { discount: 0, accrued: 400 } },
    codes: ['offerDiscount', 'tierAccrual', 'offerAccrual'],
  },
  {
    name: '9b. ... and steps aside when a higher-priority offer already took the line',
    input: sale({
      lines: [line('milk', 'milk-1l', ['dairy'], 10_000), line('kefir', 'kefir', ['dairy'], 8_000)],
      offers: offers([milkExclusive(1), dairyExtra]),
    }),
    totals: { subtotal: 18_000, discount: 0, redeemed: 0, payable: 18_000, accrued: 900 },
    maxRedeemable: 0,
    codes: ['offerSkippedExclusive', 'tierAccrual', 'offerAccrual'],
  },
  {
    name: '10a. Birthday +5 %, within 3 days of the birthday',
    input: sale({
      lines: [milk, bread],
      offers: offers([birthday]),
      customer: member({ birthday: { month: 3, day: 10 } }),
    }),
    totals: { subtotal: 22_530, discount: 0, redeemed: 0, payable: 22_530, accrued: 1_802 },
    maxRedeemable: 0,
    lines: { milk: { accrued: 1_438 }, bread: { accrued: 364 } },
    codes: ['tierAccrual', 'offerAccrual'],
  },
  {
    name: '10b. ... but only once a year',
    input: sale({
      lines: [milk, bread],
      offers: offers([birthday]),
      customer: member({ birthday: { month: 3, day: 10 } }),
      usage: { birthday: 1 },
    }),
    totals: { subtotal: 22_530, discount: 0, redeemed: 0, payable: 22_530, accrued: 675 },
    maxRedeemable: 0,
    codes: ['offerSkippedLimit', 'tierAccrual'],
  },
];

describe('worked examples (docs/loyalty-rules.md)', () => {
  it.each(examples)('$name', (ex) => {
    const r = priceReceipt(ex.input);
    const { eligibleNet: _ignored, net: _net, ...totals } = r.totals;
    expect(totals).toEqual(ex.totals);
    expect(r.maxRedeemable).toBe(ex.maxRedeemable);
    for (const [id, want] of Object.entries(ex.lines ?? {})) {
      const got = r.lines.find((l) => l.lineId === id);
      expect(got, id).toBeDefined();
      expect(got).toMatchObject(want);
    }
    expect(r.explanations.map((e) => e.code)).toEqual(ex.codes);
  });

  it('explains a clamp in both languages, naming the limit', () => {
    const r = priceReceipt(examples[1]!.input);
    const clamp = r.explanations.find((e) => e.code === 'redemptionClamped');
    expect(clamp?.text.ru).toBe('Запрошено 500,00 бонуса, можно списать 300,00 бонуса: бонусами можно оплатить не больше установленной доли чека');
    expect(clamp?.text.en).toBe('Asked to spend 500.00 bonuses, allowed 300.00 bonuses: bonuses may pay only a set share of the receipt');
    expect(r.redemptionLimit).toBe('receiptShare');
  });

  it('explains tier accrual with rate and base', () => {
    const r = priceReceipt(examples[0]!.input);
    expect(r.explanations[0]?.text).toEqual({
      ru: 'Начислено 6,75 бонуса: уровень «Бронза», 3\u00a0% от 225,30 ₽',
      en: 'Earned 6.75 bonuses: tier "Bronze", 3% of ₽225.30',
    });
  });

  it('offline example names the offline allowance as the binding limit', () => {
    expect(priceReceipt(examples[4]!.input).redemptionLimit).toBe('offlineAllowance');
    expect(priceReceipt(examples[3]!.input).redemptionLimit).toBe('lineMinimum');
  });
});

describe('worked example 11: a return in two steps', () => {
  const sold: PricedReceipt = priceReceipt(
    sale({
      lines: [line('shampoo', 'shampoo', ['care'], 29_999, 3_000)],
      customer: member({ rollingSpendKopecks: SPEND.silver, availableBonusKopecks: 100_000 }),
      redeem: 'max',
    }),
  );

  it('sells 3 shampoos with 269.99 bonuses', () => {
    expect(sold.totals).toMatchObject({ subtotal: 89_997, redeemed: 26_999, payable: 62_998, accrued: 3_149 });
  });

  it('returns 1, then 2, giving back exactly what was sold', () => {
    const first = priceReturn(sold, [{ lineId: 'shampoo', quantityMilli: 1_000 }]);
    expect(first.totals).toEqual({ refund: 20_999, discount: 0, restoredBonus: 8_999, reversedAccrual: 1_049 });
    expect(first.receiptFullyReturned).toBe(false);
    const second = priceReturn(sold, [{ lineId: 'shampoo', quantityMilli: 2_000 }], [first]);
    expect(second.totals).toEqual({ refund: 41_999, discount: 0, restoredBonus: 18_000, reversedAccrual: 2_100 });
    expect(second.receiptFullyReturned).toBe(true);
  });
});

describe('demo programme', () => {
  it('has the documented defaults', () => {
    const p = demoProgramme();
    expect(p.redemption).toEqual({ maxShareBasisPoints: 3_000, minPayPerLineKopecks: 100, redeemedPartEarns: false });
    expect(p.pendingDays).toBe(14);
    expect(p.expiryDays).toBe(365);
    expect(p.excludedCategories).toEqual(['tobacco']);
  });
});
