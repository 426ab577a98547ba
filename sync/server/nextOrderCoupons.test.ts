import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexOffers, nextOrderCouponCode, nextOrderCoupons, parseOffers, priceReceipt, toLocal, type OfferInput } from '../../core/engine';
import type { SaleEvent } from '../protocol/events';
import { CouponPage } from '../protocol/pull';
import { DEMO_OFFERS, demoBalance } from './demoSeed';
import { testDatabases } from './testing/databases';
import { daysAgo, demoRules, line, sale, saleReturn } from './testing/events';
import { admin, startTestServer, type TestServer } from './testing/fixtures';
import { chainsWithDueCouponSms, sendDueCouponSms } from './nextOrderCoupons';
import { defaultGatewayOf } from './phoneCodes';
import { FakeSmsGateway } from './sms/testing/fakeSmsProvider';
import { couponDays } from '../../core/fiscal/couponText';

const COUPON_OFFER: OfferInput = {
  id: 'next-200',
  name: { ru: '200 бонусов по купону', en: '200 bonuses by coupon' },
  audience: { coupon: true },
  effect: { type: 'fixedBonus', amountKopecks: 20_000 },
};
/** A receipt of two pieces of demo product 3 or more earns a coupon for next time. */
const threshold = sale({ customerId: '1', lines: [line(3, 2)] }).priced.totals.subtotal;
const NEXT_OFFER: OfferInput = {
  id: 'next-order',
  name: { ru: 'Купон на следующую покупку', en: 'Coupon for the next purchase' },
  conditions: { minReceiptKopecks: threshold },
  effect: { type: 'nextOrderCoupon', couponOfferId: COUPON_OFFER.id, validDays: 14, sms: true },
};
const parsed = parseOffers([...DEMO_OFFERS, COUPON_OFFER, NEXT_OFFER], demoRules.programme);
if (!parsed.ok) throw new Error('offers invalid');
const index = indexOffers(parsed.value);

/** A sale as the till makes it: priced, and the next-order coupons it earns printed and sent with it. */
function tillSale(customerId: number, pieces: number, at = new Date()): SaleEvent {
  const s = sale({ customerId: String(customerId), available: demoBalance(customerId), lines: [line(3, pieces)], at });
  const earned = nextOrderCoupons(demoRules.programme, index, s.event.sale, s.priced, { eventId: s.event.eventId, timeZone: 'Europe/Moscow' });
  return earned.length ? { ...s.event, nextOrderCoupons: earned.map((c) => ({ code: c.code, offerId: c.offerId, couponOfferId: c.couponOfferId })) } : s.event;
}

/** The next visit: a sale presenting `code`, priced with its coupon offer. */
function couponSale(customerId: number, code: string): SaleEvent {
  const base = sale({ customerId: String(customerId), available: demoBalance(customerId), lines: [line(3)], receiptId: `r-${randomUUID()}` }).event;
  const input = { ...base.sale, customer: { ...base.sale.customer!, couponOffers: [COUPON_OFFER.id] }, coupons: [{ code, offerId: COUPON_OFFER.id }] };
  const t = priceReceipt({ ...input, programme: demoRules.programme, offers: index }).totals;
  return {
    ...base,
    sale: input,
    totals: { payable: t.payable, redeemed: t.redeemed, accrued: t.accrued, discount: t.discount },
    payment: { method: 'card', amountKopecks: t.payable },
  };
}

describe.each(testDatabases())('next-order coupons at the server ($name)', (engine) => {
  let s: TestServer;
  const sms = new FakeSmsGateway();
  beforeAll(async () => {
    s = await startTestServer(engine.open, { customers: 30, sms });
    const put = await s.inject({
      method: 'PUT',
      url: '/api/v1/admin/chains/1/offers',
      headers: admin,
      payload: { offers: [...DEMO_OFFERS, COUPON_OFFER, NEXT_OFFER] },
    });
    expect(put.statusCode, put.body).toBe(200);
  }, 120_000);
  afterAll(() => s.close());

  const couponsOf = (eventId: string) =>
    s.db.query<{ code: string; offer_id: string; customer_id: string | null; single_use: boolean; from_ms: number; redeemed_event: string | null }>(
      `SELECT code, offer_id, customer_id::text AS customer_id, single_use, (extract(epoch FROM valid_from) * 1000)::float8 AS from_ms, redeemed_event
       FROM coupons WHERE batch_id = $1`,
      [`next:${eventId}`],
    );

  it('issues the printed code once for a qualifying sale pushed twice, as the customer’s, from the next Moscow day; tills pull it', async () => {
    const t = await s.enrol(1);
    const ev = tillSale(11, 2, daysAgo(3));
    expect(ev.nextOrderCoupons).toEqual([{ code: nextOrderCouponCode('next-order', ev.eventId), offerId: 'next-order', couponOfferId: 'next-200' }]);
    expect((await s.push(t.token, [ev]))[0]!.status).toBe('applied');
    expect((await s.push(t.token, [ev]))[0]).toMatchObject({ status: 'duplicate' });
    const rows = await couponsOf(ev.eventId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ code: ev.nextOrderCoupons![0]!.code, offer_id: 'next-200', customer_id: '11', single_use: true, redeemed_event: null });
    // From Moscow midnight starting the day after the sale.
    const from = toLocal({ kind: 'instant', instant: new Date(Math.round(Number(rows[0]!.from_ms))).toISOString(), timeZone: 'Europe/Moscow' });
    const sold = toLocal({ kind: 'instant', instant: ev.occurredAt, timeZone: 'Europe/Moscow' });
    expect([from.dayNumber, from.minuteOfDay]).toEqual([sold.dayNumber + 1, 0]);
    const page = CouponPage.parse(
      (await s.inject({ method: 'GET', url: '/api/v1/pull/coupons?cursor=0', headers: { authorization: `Bearer ${t.token}` } })).json(),
    );
    expect(page.items.find((c) => c.code === rows[0]!.code)).toMatchObject({
      customerId: '11',
      singleUse: true,
      redeemed: false,
      batchId: `next:${ev.eventId}`,
    });
  });

  it('the code is redeemed once chain-wide: two tills present it, one sale gets the coupon offer, the other is on the exceptions report', async () => {
    const [t1, t2] = [await s.enrol(1), await s.enrol(1)];
    const ev = tillSale(12, 3, daysAgo(2));
    await s.push(t1.token, [ev]);
    const code = ev.nextOrderCoupons![0]!.code;
    const [a, b] = [couponSale(12, code), couponSale(12, code)];
    const [ra, rb] = await Promise.all([s.push(t1.token, [a]), s.push(t2.token, [b])]);
    expect([ra[0]!.status, rb[0]!.status]).toEqual(['applied', 'applied']);
    const [row] = await couponsOf(ev.eventId);
    expect([a.eventId, b.eventId]).toContain(row!.redeemed_event);
    const refused = await s.db.query<{ event_id: string; reason: string }>(
      `SELECT event_id::text, details->>'reason' AS reason FROM exceptions WHERE kind = 'coupon_refused' AND details->>'code' = $1`,
      [code],
    );
    expect(refused).toEqual([{ event_id: row!.redeemed_event === a.eventId ? b.eventId : a.eventId, reason: 'used' }]);
  });

  it('a code printed for a sale the server prices as not qualifying is not issued, and is reported', async () => {
    const t = await s.enrol(1);
    const small = sale({ customerId: '13', available: demoBalance(13), lines: [line(3, 1)] }).event;
    const forged: SaleEvent = {
      ...small,
      nextOrderCoupons: [{ code: nextOrderCouponCode('next-order', small.eventId), offerId: 'next-order', couponOfferId: 'next-200' }],
    };
    expect((await s.push(t.token, [forged]))[0]!.status).toBe('applied');
    expect(await couponsOf(small.eventId)).toEqual([]);
    const [flag] = await s.db.query<{ reason: string; code: string }>(
      `SELECT details->>'reason' AS reason, details->>'code' AS code FROM exceptions WHERE kind = 'coupon_refused' AND event_id::text = $1`,
      [small.eventId],
    );
    expect(flag).toEqual({ reason: 'notIssued', code: forged.nextOrderCoupons![0]!.code });
  });

  it('a return of the sale takes back its unused coupon', async () => {
    const t = await s.enrol(1);
    const s1 = sale({ customerId: '14', available: demoBalance(14), lines: [line(3, 2)], at: daysAgo(1) });
    const ev = tillSale(14, 2, daysAgo(1));
    const original = { event: ev, priced: s1.priced };
    await s.push(t.token, [ev]);
    expect((await couponsOf(ev.eventId))[0]!.redeemed_event).toBeNull();
    const ret = saleReturn(original, [{ lineId: 'l3', quantityMilli: 1000 }]);
    expect((await s.push(t.token, [ret.event]))[0]!.status).toBe('applied');
    expect((await couponsOf(ev.eventId))[0]!.redeemed_event).toBe(ret.event.eventId);
  });

  it('sends the coupon by SMS once to a customer who agreed to SMS, and nothing to one who did not', async () => {
    const consent = async (customerId: number, granted: boolean) => {
      for (const [purpose, channel] of [
        ['personal_data', null],
        ['marketing', 'sms'],
      ] as const)
        await s.db.query(
          `INSERT INTO consents (customer_id, purpose, channel, granted, text_version, source, given_at) VALUES ($1, $2, $3, $4, $5, 'test', now())`,
          [customerId, purpose, channel, purpose === 'personal_data' ? true : granted, purpose === 'personal_data' ? 'pd-2025-01' : 'mk-2025-01'],
        );
    };
    await consent(21, true);
    await consent(22, false);
    const t = await s.enrol(1);
    const yes = tillSale(21, 2, daysAgo(1));
    const no = tillSale(22, 2, daysAgo(1));
    await s.push(t.token, [yes, no]);
    await s.push(t.token, [yes]);
    const [phone] = await s.db.query<{ phone_e164: string }>('SELECT phone_e164 FROM customers WHERE id = 21');
    const code = yes.nextOrderCoupons![0]!.code;
    const days = couponDays(
      yes.sale.at,
      nextOrderCoupons(demoRules.programme, index, yes.sale, sale({ customerId: '21', lines: [line(3, 2)] }).priced, {
        eventId: yes.eventId,
        timeZone: 'Europe/Moscow',
      })[0]!,
    )!;
    const ru = (iso: string) => iso.split('-').reverse().join('.');
    expect(sms.sent.filter((m) => m.text.includes(code))).toEqual([
      { to: phone!.phone_e164, text: `Ваш купон на следующую покупку: ${code}. Действует с ${ru(days.from)} по ${ru(days.to)}. Назовите его на кассе.` },
    ]);
    expect(sms.sent.some((m) => m.text.includes(no.nextOrderCoupons![0]!.code))).toBe(false);
  });

  it('a coupon SMS the provider failed is retried later by the server itself, and sent once', async () => {
    const consent = async (customerId: number) => {
      for (const [purpose, channel] of [
        ['personal_data', null],
        ['marketing', 'sms'],
      ] as const)
        await s.db.query(
          `INSERT INTO consents (customer_id, purpose, channel, granted, text_version, source, given_at) VALUES ($1, $2, $3, true, $4, 'test', now())`,
          [customerId, purpose, channel, purpose === 'personal_data' ? 'pd-2025-01' : 'mk-2025-01'],
        );
    };
    await consent(23);
    const t = await s.enrol(1);
    const ev = tillSale(23, 2, daysAgo(1));
    const code = ev.nextOrderCoupons![0]!.code;
    sms.failWith = new Error('provider down');
    await s.push(t.token, [ev]);
    sms.failWith = null;
    expect(sms.sent.some((m) => m.text.includes(code))).toBe(false);
    const [row] = await s.db.query<{ sms_state: string }>('SELECT sms_state FROM coupons WHERE code = $1', [code]);
    expect(row).toEqual({ sms_state: 'due' });
    // The pause is over.
    await s.db.query(`UPDATE coupons SET sms_next_at = now() WHERE code = $1`, [code]);
    const deps = { db: s.db, gatewayOf: defaultGatewayOf, fallback: sms };
    expect(await chainsWithDueCouponSms(s.db)).toEqual([1]);
    await sendDueCouponSms(deps, 1);
    await sendDueCouponSms(deps, 1);
    expect(sms.sent.filter((m) => m.text.includes(code))).toHaveLength(1);
  });
});
