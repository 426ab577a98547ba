import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { indexOffers } from '../../core/engine';
import { demoProgramme, offers } from '../../core/engine/testkit';
import type { Coupon } from '../../core/loyalty/coupons';
import type { ApiCaller } from './api';
import { couponForSale, pullCoupons, recordCouponUses } from './coupons';
import { priceDraft, saleContext } from './saleDraft';
import type { SaleEvent } from '../protocol/events';
import { TillDb } from './tillDb';

let n = 0;
const couponOffer = offers([
  { id: 'c10', name: { ru: 'Купон −10 %', en: 'Coupon −10%' }, audience: { coupon: true }, effect: { type: 'percentDiscount', basisPoints: 1_000 } },
]);
const index = indexOffers(couponOffer);
const coupon = (code: string, over: Partial<Coupon> = {}): Coupon => ({
  code,
  batchId: 'b',
  offerId: 'c10',
  singleUse: true,
  customerId: null,
  segment: null,
  validFromMs: null,
  validToMs: null,
  redeemed: false,
  ...over,
});
const served = (items: Coupon[]): ApiCaller =>
  (async () => ({ ok: true, status: 200, body: { collection: 'coupons', items, cursor: '9', hasMore: false, remaining: 0 } })) as unknown as ApiCaller;

describe('coupons at the till', () => {
  it('pulls the list, accepts a code typed any way for an identified customer, and refuses it once this till used it', async () => {
    const db = new TillDb(`coupons-${++n}`);
    expect(await pullCoupons(db, served([coupon('SPRING25'), coupon('ANNA2026', { customerId: '8' })]))).toEqual({ ok: true, stored: 2 });
    const sale = { customer: { id: '7', segments: [] }, coupons: [], offers: index, nowMs: Date.now() };
    expect(await couponForSale(db, ' spring-25', sale)).toEqual({ ok: true, coupon: { code: 'SPRING25', offerId: 'c10' } });
    expect(await couponForSale(db, 'spring25', { ...sale, customer: null })).toEqual({ ok: false, reason: 'noCustomer' });
    expect(await couponForSale(db, 'ANNA2026', sale)).toEqual({ ok: false, reason: 'otherCustomer' });
    expect(await couponForSale(db, 'NOPE1234', sale)).toEqual({ ok: false, reason: 'unknown' });
    expect(await couponForSale(db, 'а', sale)).toEqual({ ok: false, reason: 'notACode' });
    expect(await couponForSale(db, 'SPRING25', { ...sale, offers: indexOffers([]) })).toEqual({ ok: false, reason: 'offerGone' });

    const event = { eventId: 'e1', occurredAt: new Date().toISOString(), sale: { coupons: [{ code: 'SPRING25', offerId: 'c10' }] } } as unknown as SaleEvent;
    await db.transaction('rw', [db.coupons, db.couponsUsed], () => recordCouponUses(db, event));
    expect(await couponForSale(db, 'SPRING25', sale)).toEqual({ ok: false, reason: 'used' });
    db.close();
  });

  it('prices the coupon offer only with the coupon on the sale, and sends the code to the server', () => {
    const ctx = saleContext({ storeId: 1, regionId: '1', storeTimeZone: 'Europe/Moscow' }, demoProgramme(), couponOffer, false);
    const items = [
      {
        lineId: 'l1',
        product: { id: 'p1', ean: null, name: 'Сыр', categories: ['food'], priceKopecks: 50_000, weighed: false, deleted: false },
        quantityMilli: 1_000,
      },
    ];
    const customer = { id: '7', tier: 'bronze', available: 0 };
    const without = priceDraft(ctx, items, customer, 0, 'r1', new Date());
    const withCoupon = priceDraft(ctx, items, { ...customer, coupons: [{ code: 'SPRING25', offerId: 'c10' }] }, 0, 'r1', new Date());
    expect(without.priced.totals.discount).toBe(0);
    expect(withCoupon.priced.totals.discount).toBe(5_000);
    expect(withCoupon.input.coupons).toEqual([{ code: 'SPRING25', offerId: 'c10' }]);
    expect(withCoupon.priced.explanations.some((e) => e.text.ru.includes('Купон −10 %'))).toBe(true);
  });
});

describe('the per-till offline allowance of single-use coupons', () => {
  it('offline, a till takes single-use codes up to the allowance until the server confirms their sales; multi-use codes are not counted', async () => {
    const db = new TillDb(`coupons-${++n}`);
    await pullCoupons(db, served([coupon('ONE11111'), coupon('TWO22222'), coupon('MANY3333', { singleUse: false })]));
    const sale = { customer: { id: '7', segments: [] }, coupons: [], offers: index, nowMs: Date.now(), offlineAllowance: 1 };
    expect(await couponForSale(db, 'ONE11111', sale)).toMatchObject({ ok: true });
    // Sold offline: the code is used here and its sale waits in the outbox.
    await db.couponsUsed.put({ code: 'ONE11111', eventId: 'e-1', atMs: Date.now() });
    await db.outbox.add({
      eventId: 'e-1',
      type: 'sale',
      event: {} as SaleEvent,
      status: 'pending',
      createdAt: Date.now(),
      attempts: 0,
      lastError: null,
      rejection: null,
    });
    expect(await couponForSale(db, 'TWO22222', sale)).toEqual({ ok: false, reason: 'offlineLimit' });
    expect(await couponForSale(db, 'MANY3333', sale)).toMatchObject({ ok: true });
    // Online there is no limit: the server checks every code within seconds.
    expect(await couponForSale(db, 'TWO22222', { ...sale, offlineAllowance: undefined })).toMatchObject({ ok: true });
    // The server confirmed the sale (it left the outbox): the allowance is free again.
    await db.outbox.where('eventId').equals('e-1').delete();
    expect(await couponForSale(db, 'TWO22222', sale)).toMatchObject({ ok: true });
  });
});
