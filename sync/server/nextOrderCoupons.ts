import type { FastifyBaseLogger } from 'fastify';
import { nextOrderBatchId, type NextOrderCoupon } from '../../core/engine';
import { couponDays } from '../../core/fiscal/couponText';
import type { SaleEvent } from '../protocol/events';
import { guardChangeFeed } from './changeFeed';
import type { Sql } from './db/database';
import type { ExceptionDraft } from './exceptions';
import { chainsWithDueSms, sendDueSms, SMS_CONSENTED, type SmsOutbox, type SmsOutboxDeps } from './sms/smsOutbox';

/**
 * Next-order coupons at the server (issue 16, core/engine/nextOrder.ts). The till printed a code
 * derived from the sale's event id; when the sale arrives the server prices it again and derives
 * the coupons the sale earns by its own figures. A printed code the server also derives is issued
 * (a row in `coupons`, batch `next:<event id>`, single use, the customer's, from the next local
 * day), and tills pull it like any other; one it does not is not issued and lands on the
 * exceptions report (coupon_refused, reason notIssued). The push applies an event once, and the
 * insert is keyed by the code, so a resent sale issues nothing new.
 *
 * SMS: when the offer asks for it (effect.sms) and the customer's marketing consent on SMS and
 * personal-data consent are in force, the coupon is queued for one SMS in the same statement
 * (sms_state 'due', its text made now in the store's calendar); sendDueCouponSms sends it after
 * the push's commit, exactly as feedback links do (feedbackLinks.ts): claimed by a conditional
 * UPDATE, so once however many pushes or servers try; a failure is retried with a growing pause.
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
    const sms = c.sms && args.customerId !== null;
    const rows = await tx.query<{ code: string }>(
      `INSERT INTO coupons (chain_id, code, batch_id, offer_id, single_use, customer_id, segment, valid_from, valid_to, sms_state, sms_next_at, sms_text)
       VALUES ($1, $2, $3, $4, true, $5, NULL, to_timestamp($6 / 1000.0), to_timestamp($7 / 1000.0),
               CASE WHEN $8::boolean AND ${SMS_CONSENTED('$5::bigint')} THEN 'due' END, now(), $9)
       ON CONFLICT (chain_id, code) DO NOTHING RETURNING code`,
      [
        args.chainId,
        c.code,
        nextOrderBatchId(args.eventId),
        c.couponOfferId,
        args.customerId,
        c.validFromMs,
        c.validToMs,
        sms,
        sms ? couponSmsText(c.code, couponDays(args.sale.sale.at, c)) : null,
      ],
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

/** The SMS, Russian as the receipt: the code and its days. */
export function couponSmsText(code: string, days: { from: string; to: string } | null): string {
  const ru = (iso: string) => iso.split('-').reverse().join('.');
  return `Ваш купон на следующую покупку: ${code}.${days ? ` Действует с ${ru(days.from)} по ${ru(days.to)}.` : ''} Назовите его на кассе.`;
}

/** Whether a push carries sales that printed next-order coupons (the push route then sends the due SMS). */
export function printsNextOrderCoupons(events: readonly unknown[]): boolean {
  return events.some((raw) => {
    const ev = raw as { type?: unknown; nextOrderCoupons?: unknown } | null;
    return ev?.type === 'sale' && Array.isArray(ev.nextOrderCoupons) && ev.nextOrderCoupons.length > 0;
  });
}

/** The coupon SMS: its text as issued, unless the coupon was used or taken back by a return meanwhile. */
export const COUPON_SMS: SmsOutbox = {
  table: 'coupons',
  key: 'code',
  returning: 'o.sms_text AS text, o.redeemed_event IS NULL AS usable',
  message: async (_db, _chainId, _code, row) => (row.usable === true && typeof row.text === 'string' ? row.text : null),
  failed: 'coupon SMS not sent',
};

/** Send the chain's due coupon SMS (at most `limit`), each once; consent is read again at sending. */
export function sendDueCouponSms(deps: SmsOutboxDeps, chainId: number, log?: FastifyBaseLogger, limit = 20): Promise<number> {
  return sendDueSms(COUPON_SMS, deps, chainId, log, limit);
}

/** The chains with coupon SMS due now. */
export function chainsWithDueCouponSms(db: Sql): Promise<number[]> {
  return chainsWithDueSms(db, COUPON_SMS);
}
