import 'fake-indexeddb/auto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN, type RealServer } from '../../../electron/host/testing/realServer';
import { MemoryCredentials, startSessionServer, tillHostProcess } from '../../../electron/host/testing/tillHostProcess';
import { DEMO_OFFERS, demoCardNumber, demoProduct } from '../../server/demoSeed';
import type { SaleEvent } from '../../protocol/events';
import { TillWorld } from './testing/tillWorld';

/**
 * Issue 16: a next-order coupon. A receipt of 200 ₽ or more shows and prints a code for the next
 * purchase; the same visit it is refused ('nextVisit'); the next day, at another till, the code
 * gives the coupon offer's discount and the server takes it for that sale.
 */
let server: RealServer;
beforeAll(async () => {
  server = await startSessionServer();
  const res = await server.app.inject({
    method: 'PUT',
    url: '/api/v1/admin/chains/1/offers',
    headers: { authorization: `Bearer ${TEST_ADMIN}` },
    payload: {
      offers: [
        ...DEMO_OFFERS,
        {
          id: 'coupon-10',
          name: { ru: 'Купон −10 %', en: 'Coupon −10%' },
          audience: { coupon: true },
          effect: { type: 'percentDiscount', basisPoints: 1_000 },
        },
        {
          id: 'next-200',
          name: { ru: 'Купон за чек от 200 ₽', en: 'Coupon for 200 ₽ or more' },
          conditions: { minReceiptKopecks: 20_000 },
          effect: { type: 'nextOrderCoupon', couponOfferId: 'coupon-10', validDays: 14 },
        },
      ],
    },
  });
  if (res.statusCode !== 200) throw new Error(res.body);
});
afterAll(() => server?.close());

const worlds: TillWorld[] = [];
afterEach(() => {
  for (const w of worlds.splice(0)) w.dispose();
});
async function till(start?: number): Promise<TillWorld> {
  const w = await TillWorld.enrolled({ server, startProcess: tillHostProcess(new MemoryCredentials()), ...(start !== undefined ? { start } : {}) });
  worlds.push(w);
  return w;
}
async function scan(w: TillWorld, text: string) {
  await w.run(w.session.scan({ kind: 'text', text }));
  await w.settle();
}

describe('next-order coupons at the till', () => {
  it('a qualifying receipt shows its code, refused the same visit, taken the next day at another till with the discount', async () => {
    // Yesterday's till: two loaves (247,80 ₽) for customer 5.
    const yesterday = await till(Math.floor(Date.now() / 1000) * 1000 - 86_400_000);
    await scan(yesterday, demoProduct(2).ean);
    await scan(yesterday, demoProduct(2).ean);
    await scan(yesterday, demoCardNumber(5));
    await yesterday.run(yesterday.session.openPay());
    const receipt = await yesterday.run(yesterday.session.payCash(yesterday.state.sale.priced!.totals.payable));
    expect(receipt?.nextOrderCoupons).toHaveLength(1);
    const { code, days } = receipt!.nextOrderCoupons![0]!;
    expect(code).toMatch(/^N[2-9A-HJKMNP-Z]{11}$/);
    const event = [...(await yesterday.journals()).values()].find((r) => r.receiptId === receipt!.receiptId)!.event as SaleEvent;
    expect(event.nextOrderCoupons).toEqual([expect.objectContaining({ code, offerId: 'next-200', couponOfferId: 'coupon-10' })]);
    const soldOn = new Date(Date.parse(event.occurredAt) + 3 * 3_600_000).toISOString().slice(0, 10); // Moscow
    expect(days?.from).toBe(new Date(Date.parse(soldOn) + 86_400_000).toISOString().slice(0, 10));

    // The same visit: a one-loaf sale, the code is refused at once, offline too (the till's own list).
    await yesterday.tick(1_000);
    await scan(yesterday, demoProduct(2).ean);
    await scan(yesterday, demoCardNumber(5));
    expect(await yesterday.run(yesterday.session.applyCoupon(code))).toBe(false);
    expect(yesterday.state.notice?.key).toBe('coupon.refused.nextVisit');

    // The sale reaches the server, which issues the same code once.
    await yesterday.waitFor(async () => (await yesterday.outboxes()).every((o) => o.status !== 'pending'), 'the push');
    const rows = await server.db.query<{ code: string; customer_id: string }>(
      `SELECT code, customer_id::text AS customer_id FROM coupons WHERE batch_id LIKE 'next:%'`,
    );
    expect(rows).toEqual([{ code, customer_id: '5' }]);

    // Today, another till: the code pulled, typed, the discount applies; the server takes the code for this sale.
    const today = await till();
    await today.waitFor(async () => (await today.db.coupons.get(code)) !== undefined, 'the coupon list');
    await scan(today, demoProduct(2).ean);
    await scan(today, demoCardNumber(5));
    expect(await today.run(today.session.applyCoupon(code.toLowerCase()))).toBe(true);
    expect(today.state.sale.priced?.totals.discount).toBeGreaterThan(0);
    await today.run(today.session.openPay());
    const second = await today.run(today.session.payCash(today.state.sale.priced!.totals.payable));
    expect(second?.nextOrderCoupons).toBeUndefined(); // 111,51 ₽: below the 200 ₽ that earns one
    await today.waitFor(async () => (await today.outboxes()).every((o) => o.status !== 'pending'), 'the push');
    const [used] = await server.db.query<{ accepted: boolean }>('SELECT accepted FROM coupon_uses WHERE code = $1', [code]);
    expect(used).toEqual({ accepted: true });
    expect(await server.db.query(`SELECT 1 FROM exceptions WHERE kind = 'coupon_refused'`)).toEqual([]);
  }, 180_000);
});
