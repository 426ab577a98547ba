import { nextOrderBatchId, type NextOrderCoupon } from '../../core/engine';
import type { SaleEvent } from '../protocol/events';
import { guardChangeFeed } from './changeFeed';
import type { Sql } from './db/database';
import type { ExceptionDraft } from './exceptions';

/**
 * Next-order coupons at the server (issue 16, core/engine/nextOrder.ts). The till printed a code
 * derived from the sale's event id; when the sale arrives the server prices it again and derives
 * the coupons the sale earns by its own figures. A printed code the server also derives is issued
 * (a row in `coupons`, batch `next:<event id>`, single use, the customer's, from the next local
 * day), and tills pull it like any other; one it does not is not issued and lands on the
 * exceptions report (coupon_refused, reason notIssued). The push applies an event once, and the
 * insert is keyed by the code, so a resent sale issues nothing new.
 */
export async function issueNextOrderCoupons(
  tx: Sql,
  args: { chainId: number; eventId: string; customerId: number | null; sale: SaleEvent; earned: readonly NextOrderCoupon[] },
): Promise<{ issued: string[]; flags: ExceptionDraft[] }> {
  const printed = args.sale.nextOrderCoupons ?? [];
  const issued: string[] = [];
  const flags: ExceptionDraft[] = [];
  for (const p of printed) {
    const c = args.earned.find((e) => e.offerId === p.offerId && e.code === p.code && e.couponOfferId === p.couponOfferId);
    if (!c) {
      flags.push({
        kind: 'coupon_refused',
        customerId: args.customerId,
        details: { receiptId: args.sale.sale.receiptId, code: p.code, reason: 'notIssued', ...(args.sale.sale.online ? {} : { offline: true }) },
      });
      continue;
    }
    await guardChangeFeed(tx);
    const rows = await tx.query<{ code: string }>(
      `INSERT INTO coupons (chain_id, code, batch_id, offer_id, single_use, customer_id, segment, valid_from, valid_to)
       VALUES ($1, $2, $3, $4, true, $5, NULL, to_timestamp($6 / 1000.0), to_timestamp($7 / 1000.0))
       ON CONFLICT (chain_id, code) DO NOTHING RETURNING code`,
      [args.chainId, c.code, nextOrderBatchId(args.eventId), c.couponOfferId, args.customerId, c.validFromMs, c.validToMs],
    );
    if (rows.length > 0) issued.push(c.code);
  }
  return { issued, flags };
}

/**
 * A return of a sale (any part of it) takes back the next-order coupons the sale earned and that
 * are still unused: marked used by the return, so tills pull them as used and the server refuses
 * them. One already used stays used: its discount was given on a later receipt.
 */
export async function voidNextOrderCoupons(tx: Sql, args: { chainId: number; saleEventId: string; returnEventId: string }): Promise<number> {
  await guardChangeFeed(tx);
  const rows = await tx.query(
    `UPDATE coupons SET redeemed_event = $3, redeemed_at = now(), change_seq = nextval('change_seq')
     WHERE chain_id = $1 AND batch_id = $2 AND redeemed_event IS NULL RETURNING code`,
    [args.chainId, nextOrderBatchId(args.saleEventId), args.returnEventId],
  );
  return rows.length;
}
