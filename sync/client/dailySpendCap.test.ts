import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { demoProgramme, offers } from '../../core/engine/testkit';
import { dailySpendLeft, DAY_MS } from '../../core/loyalty/dailySpend';
import { line, sale } from '../server/testing/events';
import { loadContext } from './customerContext';
import { commitSale } from './outbox';
import { priceDraft, saleContext } from './saleDraft';
import type { ProductItem } from '../protocol/pull';
import { TillDb } from './tillDb';

const terminal = { storeId: 1, regionId: '1', storeTimeZone: 'Europe/Moscow' };
const now = new Date('2025-03-12T09:00:00Z');
const tv: ProductItem = { id: 'tv', ean: '4600000000028', name: 'TV', categories: ['electronics'], priceKopecks: 5_000_000, weighed: false, deleted: false };
const items = [{ lineId: 'l1', product: tv, quantityMilli: 1_000 }];
const rich = { id: '42', tier: 'bronze', available: 1_000_000, birthday: null };

function withCap(cap: number | undefined, online = false) {
  return saleContext(terminal, { ...demoProgramme(), ...(cap === undefined ? {} : { dailySpendCapKopecks: cap }) }, offers([]), online);
}

describe("the chain's daily spend cap at the till, offline too (issue 13)", () => {
  it('holds a customer to the cap before the sale, and says why on the sale screen', () => {
    const free = priceDraft(withCap(undefined), items, rich, 'max', 'r1', now).priced;
    expect(free.totals.redeemed).toBeGreaterThan(30_000);

    const { input, priced } = priceDraft(withCap(30_000), items, rich, 'max', 'r1', now);
    expect(priced.totals.redeemed).toBe(30_000);
    expect(priced.maxRedeemable).toBe(30_000);
    // The sale event carries what was spent, so the server prices it the same.
    expect(input.redeem).toBe(30_000);
    const note = priced.explanations.find((e) => e.code === 'redemptionClamped');
    expect(note?.text.ru).toBe('За сутки можно списать не больше 300,00 бонуса; сегодня осталось 300,00 бонуса');
    expect(note?.text.en).toContain('in 24 hours');
  });

  it('counts what this till let the customer spend in the last 24 hours, not before', () => {
    const recent = [
      { atMs: now.getTime() - 2 * 3_600_000, kopecks: 20_000 },
      { atMs: now.getTime() - DAY_MS - 1, kopecks: 50_000 },
    ];
    expect(dailySpendLeft(30_000, recent, now.getTime())).toBe(10_000);
    const { priced } = priceDraft(
      withCap(30_000),
      items,
      { ...rich, context: { tier: null, segments: [], purchaseCount: 1, spendKopecks: 0, uses: [], recentRedemptions: recent } },
      25_000,
      'r2',
      now,
    );
    expect(priced.totals.redeemed).toBe(10_000);
    expect(priced.explanations.find((e) => e.code === 'redemptionClamped')?.text.ru).toContain('сегодня осталось 100,00 бонуса');
    // Spent up to the cap: nothing more today.
    expect(dailySpendLeft(30_000, [{ atMs: now.getTime() - 1, kopecks: 30_000 }], now.getTime())).toBe(0);
  });

  it('a spend below what is left is untouched; the most on offer is the cap', () => {
    const { input, priced } = priceDraft(withCap(30_000), items, rich, 10_000, 'r3', now);
    expect(input.redeem).toBe(10_000);
    expect(priced.totals.redeemed).toBe(10_000);
    expect(priced.maxRedeemable).toBe(30_000);
    // Without a cap (or one that does not bind) nothing is said.
    expect(priceDraft(withCap(10_000_000), items, rich, 10_000, 'r3', now).priced.explanations.some((e) => e.code === 'redemptionClamped')).toBe(false);
  });

  it("reads the customer's spends from the till's own journal", async () => {
    const db = new TillDb('daily-cap-test');
    const s = sale({ customerId: '42', lines: [line(1, 2)], receiptId: 'R-1' });
    const event = { ...s.event, occurredAt: new Date(now.getTime() - 3_600_000).toISOString(), totals: { ...s.event.totals, redeemed: 12_000 } };
    await commitSale(db, { event, priced: s.priced });
    await db.journal.update('R-1', { createdAt: now.getTime() - 3_600_000 });
    const programme = { ...demoProgramme(), dailySpendCapKopecks: 30_000 };
    const ctx = await loadContext(db, programme, '42', 'bronze', now.getTime());
    expect(ctx.recentRedemptions).toEqual([{ atMs: now.getTime() - 3_600_000, kopecks: 12_000 }]);
    expect((await loadContext(db, programme, '7', 'bronze', now.getTime())).recentRedemptions).toBeUndefined();
    // A day later it no longer counts.
    expect((await loadContext(db, programme, '42', 'bronze', now.getTime() + DAY_MS)).recentRedemptions).toBeUndefined();
    db.close();
  });
});
