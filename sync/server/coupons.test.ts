import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseOffers, priceReceipt, type OfferInput } from '../../core/engine';
import type { SaleEvent } from '../protocol/events';
import { CouponPage } from '../protocol/pull';
import { DEMO_OFFERS, demoBalance } from './demoSeed';
import { testDatabases } from './testing/databases';
import { demoRules, line, sale } from './testing/events';
import { admin, startTestServer, type TestServer } from './testing/fixtures';

const COUPON_OFFER: OfferInput = {
  id: 'coupon-200',
  name: { ru: 'Купон: 200 бонусов', en: 'Coupon: 200 bonuses' },
  audience: { coupon: true },
  effect: { type: 'fixedBonus', amountKopecks: 20_000 },
};
const couponOffers = (() => {
  const o = parseOffers([COUPON_OFFER], demoRules.programme);
  if (!o.ok) throw new Error('coupon offer invalid');
  return o.value;
})();

/** A sale as a till that accepted `code` (offline, say) prices and pushes it. */
function couponSale(customerId: number, code: string, receiptId = `r-${randomUUID()}`): SaleEvent {
  const base = sale({ customerId: String(customerId), available: demoBalance(customerId), lines: [line(3)], receiptId, online: false }).event;
  const input = { ...base.sale, customer: { ...base.sale.customer!, couponOffers: [COUPON_OFFER.id] }, coupons: [{ code, offerId: COUPON_OFFER.id }] };
  const t = priceReceipt({ ...input, programme: demoRules.programme, offers: [...demoRules.offers, ...couponOffers] }).totals;
  return {
    ...base,
    sale: input,
    totals: { payable: t.payable, redeemed: t.redeemed, accrued: t.accrued, discount: t.discount },
    payment: { method: 'card', amountKopecks: t.payable },
  };
}

describe.each(testDatabases())('coupons at the server ($name)', (engine) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(engine.open, { customers: 30 });
    const put = await s.inject({ method: 'PUT', url: '/api/v1/admin/chains/1/offers', headers: admin, payload: { offers: [...DEMO_OFFERS, COUPON_OFFER] } });
    expect(put.statusCode, put.body).toBe(200);
  }, 120_000);
  afterAll(() => s.close());

  const issue = (payload: Record<string, unknown>) => s.inject({ method: 'POST', url: '/api/v1/admin/chains/1/coupons', headers: admin, payload });

  it('issues batches for coupon offers only, and tills pull the live codes', async () => {
    expect((await issue({ offerId: 'welcome', count: 3 })).statusCode).toBe(400);
    expect((await issue({ offerId: COUPON_OFFER.id })).statusCode).toBe(400);
    const batch = await issue({ offerId: COUPON_OFFER.id, count: 5, prefix: 'LT' });
    expect(batch.statusCode, batch.body).toBe(200);
    const { codes } = batch.json<{ codes: string[] }>();
    expect(codes).toHaveLength(5);
    expect(codes.every((c) => /^LT[2-9A-Z]{10}$/.test(c))).toBe(true);
    const promo = await issue({ offerId: COUPON_OFFER.id, codes: ['весна-25'.replace('весна', 'SPRING')], singleUse: false });
    expect(promo.json()).toMatchObject({ codes: ['SPRING25'] });
    expect((await issue({ offerId: COUPON_OFFER.id, codes: ['SPRING25'] })).statusCode).toBe(409);

    const t = await s.enrol(1);
    const page = CouponPage.parse(
      (await s.inject({ method: 'GET', url: '/api/v1/pull/coupons?cursor=0', headers: { authorization: `Bearer ${t.token}` } })).json(),
    );
    expect(page.items.map((c) => c.code)).toEqual(expect.arrayContaining([...codes, 'SPRING25']));
    expect(page.items.find((c) => c.code === 'SPRING25')).toMatchObject({ singleUse: false, redeemed: false, offerId: COUPON_OFFER.id });
  });

  it('a single-use code redeemed at two offline tills goes to one sale: the other keeps its receipt, not the coupon, and is on the exceptions report', async () => {
    const [code] = (await issue({ offerId: COUPON_OFFER.id, count: 1 })).json<{ codes: string[] }>().codes;
    const t1 = await s.enrol(1);
    const t2 = await s.enrol(1);
    const a = couponSale(11, code!);
    const b = couponSale(12, code!);
    expect(a.totals.accrued).toBeGreaterThanOrEqual(20_000);
    // Both tills push at once, and the first resends its sale (its acknowledgement was lost).
    const [ra, rb] = await Promise.all([s.push(t1.token, [a]), s.push(t2.token, [b])]);
    const again = await s.push(t1.token, [a]);
    expect(ra[0]!.status).toBe('applied');
    expect(rb[0]!.status).toBe('applied');
    expect(again[0]).toMatchObject({ status: 'duplicate', original: { status: 'applied' } });

    const [holder] = await s.db.query<{ redeemed_event: string }>('SELECT redeemed_event FROM coupons WHERE code = $1', [code]);
    const winner = holder!.redeemed_event === a.eventId ? a : b;
    const loser = winner === a ? b : a;
    const uses = await s.db.query<{ event_id: string; accepted: boolean }>('SELECT event_id, accepted FROM coupon_uses WHERE code = $1 ORDER BY event_id', [
      code,
    ]);
    expect(uses.filter((u) => u.accepted).map((u) => u.event_id)).toEqual([winner.eventId]);
    expect(uses).toHaveLength(2);

    const refused = await s.db.query<{ event_id: string; details: { code: string; reason: string } }>(
      `SELECT event_id::text, details FROM exceptions WHERE kind = 'coupon_refused'`,
    );
    expect(refused.map((r) => [r.event_id, r.details.code, r.details.reason])).toEqual([[loser.eventId, code, 'used']]);
    // The loser's bonus from the coupon is not the server's: the posted accrual is clamped or flagged as a difference.
    const [diff] = await s.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM exceptions WHERE event_id = $1 AND kind = 'price_difference'`, [
      loser.eventId,
    ]);
    expect(diff!.n).toBe(1);
    const [win] = await s.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM exceptions WHERE event_id = $1`, [winner.eventId]);
    expect(win!.n).toBe(0);
  });

  it('a multi-use promo code serves every sale; a personal code only its customer', async () => {
    const t = await s.enrol(1);
    const r = await s.push(t.token, [couponSale(13, 'SPRING25'), couponSale(14, 'SPRING25')]);
    expect(r.map((x) => x.status)).toEqual(['applied', 'applied']);
    const personal = (await issue({ offerId: COUPON_OFFER.id, count: 1, customerId: '15' })).json<{ codes: string[] }>().codes[0]!;
    const stranger = couponSale(16, personal);
    await s.push(t.token, [stranger, couponSale(15, personal)]);
    const refused = await s.db.query<{ event_id: string; reason: string }>(
      `SELECT event_id::text, details->>'reason' AS reason FROM exceptions WHERE kind = 'coupon_refused' AND details->>'code' = $1`,
      [personal],
    );
    expect(refused).toEqual([{ event_id: stranger.eventId, reason: 'customer' }]);
  });
});
