import { checkCoupon, normaliseCouponCode, type Coupon, type CouponRefusal } from '../../core/loyalty/coupons';
import { nextOrderBatchId, nextOrderCoupons, type OfferIndex, type PricedReceipt } from '../../core/engine';
import type { SaleContext } from './saleDraft';
import { CouponPage } from '../protocol/pull';
import type { SaleEvent } from '../protocol/events';
import type { ApiCaller } from './api';
import type { TillDb } from './tillDb';

/**
 * Coupons at the till (core/loyalty/coupons.ts): the chain's live codes pulled into `coupons`,
 * the single-use codes this till redeemed in `couponsUsed` (written in the checkout's own
 * transaction, so a code used here is refused here at once, online or not). The server checks
 * every code again when the sale arrives and gives a single-use code to one sale chain-wide.
 */

/** A coupon on the open sale: its code and the offer it unlocks. */
export interface SaleCoupon {
  code: string;
  offerId: string;
}

export type CouponPullOutcome = { ok: true; stored: number } | { ok: false; offline: boolean; message: string };

/** Pull coupons issued or redeemed since the last pull, page by page, each with its cursor. */
export async function pullCoupons(db: TillDb, api: ApiCaller, pageSize = 5_000): Promise<CouponPullOutcome> {
  let stored = 0;
  for (;;) {
    const state = await db.syncState.get('coupons');
    const res = await api('GET', '/api/v1/pull/coupons', { cursor: state?.cursor ?? '0', limit: String(pageSize) });
    if (!res.ok) return { ok: false, offline: res.offline, message: res.message };
    const page = CouponPage.safeParse(res.body);
    if (!page.success) return { ok: false, offline: false, message: 'The server sent a coupon page the till cannot read.' };
    const p = page.data;
    await db.transaction('rw', [db.coupons, db.syncState], async () => {
      await db.coupons.bulkPut(p.items);
      await db.syncState.put({
        collection: 'coupons',
        cursor: p.cursor,
        remaining: p.remaining,
        loaded: (state?.loaded ?? 0) + p.items.length,
        updatedAt: Date.now(),
        complete: !p.hasMore,
      });
    });
    stored += p.items.length;
    if (!p.hasMore) return { ok: true, stored };
  }
}

export type TillCouponCheck = { ok: true; coupon: SaleCoupon } | { ok: false; reason: CouponRefusal | 'notACode' | 'offlineLimit' };

/** Single-use codes this till took whose sales the server has not confirmed yet (still in the outbox). */
export async function unconfirmedSingleUse(db: TillDb): Promise<number> {
  const used = await db.couponsUsed.toArray();
  if (used.length === 0) return 0;
  return db.outbox
    .where('eventId')
    .anyOf(used.map((u) => u.eventId))
    .filter((o) => o.status === 'pending')
    .count();
}

/** May the typed or scanned `text` go on the open sale? Checked against this till's list, offline too. */
export async function couponForSale(
  db: TillDb,
  text: string,
  sale: {
    customer: { id: string; segments: readonly string[] } | null;
    coupons: readonly SaleCoupon[];
    offers: OfferIndex | null;
    nowMs: number;
    /** Offline: the chain's per-till allowance of single-use coupons the server has not confirmed (absent: no limit). */
    offlineAllowance?: number | undefined;
  },
): Promise<TillCouponCheck> {
  const code = normaliseCouponCode(text);
  if (!code) return { ok: false, reason: 'notACode' };
  const [coupon, used] = await Promise.all([db.coupons.get(code), db.couponsUsed.get(code)]);
  const offerIds = new Set((sale.offers?.offers ?? []).filter((c) => c.offer.audience.coupon === true).map((c) => c.offer.id));
  const r = checkCoupon(coupon as Coupon | undefined, {
    customer: sale.customer,
    nowMs: sale.nowMs,
    usedHere: new Set(used ? [used.code] : []),
    inSale: new Set(sale.coupons.map((c) => c.code)),
    offerIds,
  });
  if (!r.ok) return r;
  // Offline, single-use codes are taken on trust up to the allowance: each may be another till's too.
  if (r.coupon.singleUse && sale.offlineAllowance !== undefined && (await unconfirmedSingleUse(db)) >= sale.offlineAllowance) {
    return { ok: false, reason: 'offlineLimit' };
  }
  return { ok: true, coupon: { code: r.coupon.code, offerId: r.coupon.offerId } };
}

/** The sale's single-use codes are used at this till; call inside the checkout's transaction. */
export async function recordCouponUses(db: TillDb, event: SaleEvent): Promise<void> {
  const codes = event.sale.coupons ?? [];
  if (codes.length === 0) return;
  const known = await db.coupons.bulkGet(codes.map((c) => c.code));
  const single = codes.filter((c, i) => known[i]?.singleUse);
  if (single.length > 0) await db.couponsUsed.bulkPut(single.map((c) => ({ code: c.code, eventId: event.eventId, atMs: Date.parse(event.occurredAt) })));
}

/**
 * The next-order coupons this sale earns (core/engine/nextOrder.ts), on its event: derived from the
 * event id, so the receipt prints them offline and the server derives the same when the sale arrives.
 */
export function withNextOrderCoupons(ctx: Pick<SaleContext, 'programme' | 'offers' | 'timeZone'>, event: SaleEvent, priced: PricedReceipt): SaleEvent {
  const earned = nextOrderCoupons(ctx.programme, ctx.offers, event.sale, priced, { eventId: event.eventId, timeZone: ctx.timeZone });
  if (earned.length === 0) return event;
  return {
    ...event,
    nextOrderCoupons: earned.map((c) => ({
      code: c.code,
      offerId: c.offerId,
      couponOfferId: c.couponOfferId,
      validFromMs: c.validFromMs,
      validToMs: c.validToMs,
    })),
  };
}

/**
 * The sale's next-order coupons go into this till's own list in the checkout's transaction, so the
 * customer's next visit here may use them before any pull (from the next day: checkCoupon says
 * 'nextVisit' until then). Other tills get them from the server once the sale is pushed.
 */
export async function recordNextOrderCoupons(db: TillDb, event: SaleEvent): Promise<void> {
  const issued = event.nextOrderCoupons ?? [];
  if (issued.length === 0) return;
  await db.coupons.bulkPut(
    issued.map((c) => ({
      code: c.code,
      batchId: nextOrderBatchId(event.eventId),
      offerId: c.couponOfferId,
      singleUse: true,
      customerId: event.sale.customer?.id ?? null,
      segment: null,
      validFromMs: c.validFromMs ?? null,
      validToMs: c.validToMs ?? null,
      redeemed: false,
    })),
  );
}
