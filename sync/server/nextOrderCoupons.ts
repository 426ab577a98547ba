import type { FastifyBaseLogger } from 'fastify';
import { nextOrderBatchId, type NextOrderCoupon } from '../../core/engine';
import { couponDays } from '../../core/fiscal/couponText';
import type { SaleEvent } from '../protocol/events';
import { guardChangeFeed } from './changeFeed';
import type { Sql } from './db/database';
import type { ExceptionDraft } from './exceptions';
import { MAX_SMS_ATTEMPTS, SMS_CONSENTED, type FeedbackSmsDeps } from './feedbackLinks';
import { gatewayForChain } from './phoneCodes';
import { SmsGatewayError } from './sms/smsGateway';

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

/**
 * Send the chain's due coupon SMS (at most `limit`), each once. Consent is read again at sending,
 * and a coupon used or taken back by a return meanwhile is not sent. Returns how many went.
 */
export async function sendDueCouponSms(deps: FeedbackSmsDeps, chainId: number, log?: FastifyBaseLogger, limit = 20): Promise<number> {
  const due = await deps.db.query<{ code: string }>(
    `SELECT code FROM coupons WHERE chain_id = $1 AND sms_state = 'due' AND sms_next_at <= now() ORDER BY sms_next_at LIMIT $2`,
    [chainId, limit],
  );
  let sent = 0;
  for (const { code } of due) {
    const [claimed] = await deps.db.query<{ attempts: number; phone: string | null; consented: boolean; usable: boolean; text: string | null }>(
      `UPDATE coupons c SET sms_state = 'sending', sms_attempts = c.sms_attempts + 1
       WHERE c.chain_id = $1 AND c.code = $2 AND c.sms_state = 'due'
       RETURNING c.sms_attempts AS attempts, c.sms_text AS text, c.redeemed_event IS NULL AS usable,
                 (SELECT x.phone_e164 FROM customers x WHERE x.id = c.customer_id) AS phone,
                 ${SMS_CONSENTED('c.customer_id')} AS consented`,
      [chainId, code],
    );
    if (!claimed) continue;
    if (!claimed.phone || !claimed.consented || !claimed.usable || !claimed.text) {
      await deps.db.query('UPDATE coupons SET sms_state = NULL WHERE chain_id = $1 AND code = $2', [chainId, code]);
      continue;
    }
    try {
      const gateway = await gatewayForChain(deps, chainId);
      await gateway.send({ to: claimed.phone, text: claimed.text });
      await deps.db.query(`UPDATE coupons SET sms_state = 'sent' WHERE chain_id = $1 AND code = $2`, [chainId, code]);
      sent++;
    } catch (err) {
      const retry = !(err instanceof SmsGatewayError && !err.retryable) && Number(claimed.attempts) < MAX_SMS_ATTEMPTS;
      await deps.db.query(`UPDATE coupons SET sms_state = $3, sms_next_at = now() + make_interval(mins => $4::int) WHERE chain_id = $1 AND code = $2`, [
        chainId,
        code,
        retry ? 'due' : 'failed',
        2 ** Number(claimed.attempts),
      ]);
      // Never the phone or the code: the code is the customer's.
      log?.warn({ chainId, attempts: Number(claimed.attempts), err: err instanceof Error ? err.message : String(err) }, 'coupon SMS not sent');
    }
  }
  return sent;
}

/** The chains with coupon SMS due now. */
export async function chainsWithDueCouponSms(db: Sql): Promise<number[]> {
  const rows = await db.query<{ chain_id: number }>(`SELECT DISTINCT chain_id FROM coupons WHERE sms_state = 'due' AND sms_next_at <= now()`);
  return rows.map((r) => Number(r.chain_id));
}

/**
 * Retries without waiting for the next push with coupons: every `intervalMs`, the due coupon SMS
 * of every chain. Each is claimed before it is sent, so every server instance may run this.
 */
export function scheduleCouponSms(deps: FeedbackSmsDeps, intervalMs: number, onError: (err: unknown) => void): () => Promise<void> {
  let running: Promise<void> | null = null;
  const tick = (): void => {
    if (running) return;
    running = (async () => {
      for (const chainId of await chainsWithDueCouponSms(deps.db)) await sendDueCouponSms(deps, chainId);
    })()
      .catch(onError)
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
