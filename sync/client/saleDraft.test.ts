import { describe, expect, it } from 'vitest';
import { demoProgramme, offers } from '../../core/engine/testkit';
import { toLocal } from '../../core/engine';
import { addProduct, customerPanel, daysToNext, priceDraft, saleContext } from './saleDraft';
import type { ProductItem } from '../protocol/pull';
import type { CustomerContext } from '../../core/loyalty/customerContext';

const terminal = { storeId: 1, regionId: '1', storeTimeZone: 'Europe/Moscow' };
const list = offers([
  { id: 'all-dairy', name: { ru: 'Молочное', en: 'Dairy' }, target: { categories: ['dairy'] }, effect: { type: 'extraAccrual', basisPoints: 100 } },
  {
    id: 'for-vera',
    name: { ru: 'Лично для Веры', en: 'Just for Vera' },
    audience: { customerIds: ['42'] },
    effect: { type: 'extraAccrual', basisPoints: 500 },
  },
  {
    id: 'for-vera-kazan',
    name: { ru: 'Вере в Казани', en: 'Vera in Kazan' },
    scope: { kind: 'stores', storeIds: ['2'] },
    audience: { customerIds: ['42'] },
    effect: { type: 'extraAccrual', basisPoints: 500 },
  },
  {
    id: 'birthday',
    name: { ru: 'С днём рождения', en: 'Happy birthday' },
    audience: { birthday: { daysBefore: 3, daysAfter: 3 } },
    effect: { type: 'accrualMultiplier', percent: 200 },
  },
]);
const ctx = saleContext(terminal, demoProgramme(), list, false);
// 12 March 2025, 12:00 in Moscow.
const now = new Date('2025-03-12T09:00:00Z');
const milk: ProductItem = {
  id: 'milk',
  ean: '4600000000011',
  name: 'Milk',
  categories: ['dairy', 'food'],
  priceKopecks: 10_000,
  weighed: false,
  deleted: false,
};

describe('customer panel', () => {
  it('lists the offers for this customer in person or by birthday, running in this store now; none for others', () => {
    const ids = (id: string, birthday: { month: number; day: number } | null) =>
      customerPanel(ctx, { id, tier: 'bronze', birthday }, now).offers.map((o) => o.id);
    expect(ids('42', null)).toEqual(['for-vera']);
    expect(ids('42', { month: 3, day: 14 })).toEqual(['birthday', 'for-vera']);
    expect(ids('7', { month: 3, day: 10 })).toEqual(['birthday']);
    expect(ids('7', { month: 7, day: 1 })).toEqual([]);
    expect(ids('7', null)).toEqual([]);
  });

  it('counts days to the birthday on the store calendar, across New Year and for 29 February', () => {
    expect(customerPanel(ctx, { id: '7', tier: 'bronze', birthday: { month: 3, day: 12 } }, now).birthdayInDays).toBe(0);
    expect(customerPanel(ctx, { id: '7', tier: 'bronze', birthday: { month: 3, day: 15 } }, now).birthdayInDays).toBe(3);
    expect(customerPanel(ctx, { id: '7', tier: 'bronze', birthday: null }, now).birthdayInDays).toBeNull();
    const dec30 = toLocal({ kind: 'local', year: 2025, month: 12, day: 30, hour: 10, minute: 0 });
    expect(daysToNext(dec30, { month: 1, day: 2 })).toBe(3);
    expect(daysToNext(dec30, { month: 12, day: 29 })).toBe(364);
    const feb27 = toLocal({ kind: 'local', year: 2025, month: 2, day: 27, hour: 10, minute: 0 });
    expect(daysToNext(feb27, { month: 2, day: 29 })).toBe(1);
  });

  it('prices a birthday offer offline from the cached month and day', () => {
    const items = addProduct([], milk);
    const without = priceDraft(ctx, items, { id: '7', tier: 'bronze', available: 0, birthday: null }, 0, 'r', now);
    const withIt = priceDraft(ctx, items, { id: '7', tier: 'bronze', available: 0, birthday: { month: 3, day: 13 } }, 0, 'r', now);
    expect(withIt.input.customer?.birthday).toEqual({ month: 3, day: 13 });
    expect(withIt.priced.appliedOffers.map((o) => o.id)).toContain('birthday');
    expect(without.priced.appliedOffers.map((o) => o.id)).not.toContain('birthday');
    expect(withIt.priced.totals.accrued).toBeGreaterThan(without.priced.totals.accrued);
  });
});

describe('pricing with the customer context (issue 16)', () => {
  const limitedList = offers([
    {
      id: 'birthday-once',
      name: { ru: 'Раз в год', en: 'Once a year' },
      audience: { birthday: { daysBefore: 3, daysAfter: 3 } },
      effect: { type: 'extraAccrual', basisPoints: 500 },
      limit: { perCustomer: 1, periodDays: 365 },
    },
    {
      id: 'first',
      name: { ru: 'Первая покупка', en: 'First purchase' },
      audience: { firstPurchase: true },
      effect: { type: 'fixedBonus', amountKopecks: 5_000 },
    },
    { id: 'sleepers', name: { ru: 'Спящим', en: 'Sleeping' }, audience: { segments: ['sleeping'] }, effect: { type: 'percentDiscount', basisPoints: 1_000 } },
  ]);
  const c2 = saleContext(terminal, demoProgramme(), limitedList, true);
  const items = addProduct([], milk);
  const base = { id: '7', tier: 'bronze', available: 0, birthday: { month: 3, day: 12 } };
  const applied = (context?: CustomerContext) => priceDraft(c2, items, { ...base, context }, 0, 'r', now).priced.appliedOffers.map((o) => o.id);

  it('grants a once-a-year birthday bonus only while it is unused, and first-purchase and segment offers only to whom they are for', () => {
    const fresh = { tier: 'bronze', segments: ['sleeping'], purchaseCount: 0, spendKopecks: 0, uses: [] };
    expect(applied(fresh)).toEqual(['birthday-once', 'first', 'sleepers']);
    const usedThisYear = { ...fresh, purchaseCount: 3, segments: [], uses: [{ offerId: 'birthday-once', atMs: now.getTime() - 86_400_000, eventId: 'e' }] };
    expect(applied(usedThisYear)).toEqual([]);
    // Without a context the till assumes the least: no first purchase, no segment, no uses.
    expect(applied(undefined)).toEqual(['birthday-once']);
  });
});

describe('upsell in the customer panel', () => {
  it('shows how much more the basket needs for the nearest receipt offer, worked out by the engine’s rules', () => {
    const withMin = offers([
      {
        id: 'x2',
        name: { ru: 'удвоенных бонусов', en: 'double bonuses' },
        conditions: { minReceiptKopecks: 50_000 },
        effect: { type: 'accrualMultiplier', percent: 200 },
      },
    ]);
    const c3 = saleContext(terminal, demoProgramme(), withMin, true);
    const fresh = { tier: 'bronze', segments: [], purchaseCount: 1, spendKopecks: 0, uses: [] };
    expect(customerPanel(c3, { id: '7', tier: 'bronze', birthday: null, context: fresh }, now, 35_000).upsell).toMatchObject({
      offerId: 'x2',
      shortfallKopecks: 15_000,
    });
    expect(customerPanel(c3, { id: '7', tier: 'bronze', birthday: null, context: fresh }, now, 50_000).upsell).toBeNull();
  });
});

describe('bonus expiry in the customer panel', () => {
  it('warns of the soonest-expiring bonuses within the chain’s window, on the store’s calendar day', () => {
    const DAY = 86_400_000;
    const c = saleContext(terminal, { ...demoProgramme(), expiryWarningDays: 7 }, [], true);
    const ctxWith = (days: number) => ({
      tier: 'bronze',
      segments: [],
      purchaseCount: 1,
      spendKopecks: 0,
      uses: [],
      expiring: { amountKopecks: 30_000, atMs: now.getTime() + days * DAY },
    });
    const soon = customerPanel(c, { id: '7', tier: 'bronze', birthday: null, context: ctxWith(6) }, now).expiry;
    expect(soon).toMatchObject({ amountKopecks: 30_000, bonuses: 300 });
    const at = new Date(now.getTime() + 6 * DAY);
    const local = new Intl.DateTimeFormat('en-GB', { timeZone: terminal.storeTimeZone, day: 'numeric', month: 'numeric' }).formatToParts(at);
    expect(soon?.day).toBe(Number(local.find((p) => p.type === 'day')!.value));
    expect(soon?.month).toBe(Number(local.find((p) => p.type === 'month')!.value));
    expect(customerPanel(c, { id: '7', tier: 'bronze', birthday: null, context: ctxWith(8) }, now).expiry).toBeNull();
  });
});
