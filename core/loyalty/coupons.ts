import { z } from 'zod';

/**
 * Coupons and promo codes. Head office issues codes in batches; each code unlocks one coupon
 * offer (an offer whose audience says `coupon: true`) for the sale it is presented in. The
 * till checks a code against its pulled list (checkCoupon), offline too; the server checks it
 * again when the sale arrives and lets a single-use code go to exactly one sale chain-wide
 * (claimCoupon): a second sale with the same code, from another till that was offline, keeps
 * its receipt but not the coupon, and head office sees the conflict among the exceptions.
 */

/** Letters and digits, without the ones people mix up (0/O, 1/I/L). */
export const COUPON_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** A code as typed or scanned: case, spaces and dashes do not matter. null: not a code at all. */
export function normaliseCouponCode(text: string): string | null {
  const code = text.replace(/[\s-]/g, '').toUpperCase();
  return /^[A-Z0-9]{4,32}$/.test(code) ? code : null;
}

/** A code of `length` characters from COUPON_ALPHABET, from random bytes (one per character). */
export function couponCodeFrom(bytes: Uint8Array, prefix = ''): string {
  let s = prefix.toUpperCase();
  for (const b of bytes) s += COUPON_ALPHABET[b % COUPON_ALPHABET.length];
  return s;
}

const ms = z.number().finite();

/** One code as the tills pull it. */
export const CouponSchema = z.object({
  code: z.string().regex(/^[A-Z0-9]{4,32}$/),
  batchId: z.string().min(1).max(100),
  offerId: z.string().min(1).max(200),
  singleUse: z.boolean(),
  /** Only this customer may use it; null: any card holder (in `segment`, when given). */
  customerId: z.string().min(1).max(200).nullable(),
  segment: z.string().min(1).max(200).nullable(),
  validFromMs: ms.nullable(),
  validToMs: ms.nullable(),
  /** A single-use code the server has already seen redeemed. */
  redeemed: z.boolean(),
});
export type Coupon = z.infer<typeof CouponSchema>;

export type CouponRefusal = 'unknown' | 'noCustomer' | 'otherCustomer' | 'segment' | 'notYet' | 'nextVisit' | 'expired' | 'used' | 'offerGone' | 'already';

/** The batch a sale's next-order coupons belong to (core/engine/nextOrder.ts), at the server and in the till's list. */
export function nextOrderBatchId(eventId: string): string {
  return `next:${eventId.toLowerCase()}`;
}

export function isNextOrderBatch(batchId: string): boolean {
  return batchId.startsWith('next:');
}

export type CouponCheck = { ok: true; coupon: Coupon } | { ok: false; reason: CouponRefusal };

/**
 * May this code be used in this sale? `usedHere`: codes this till already redeemed (its own
 * sales the server may not have yet); `inSale`: codes already on the open sale; `offerIds`:
 * the coupon offers the till knows (a code for an ended offer unlocks nothing).
 */
export function checkCoupon(
  coupon: Coupon | undefined,
  sale: {
    customer: { id: string; segments: readonly string[] } | null;
    nowMs: number;
    usedHere: ReadonlySet<string>;
    inSale: ReadonlySet<string>;
    offerIds: ReadonlySet<string>;
  },
): CouponCheck {
  if (!coupon) return { ok: false, reason: 'unknown' };
  if (sale.inSale.has(coupon.code)) return { ok: false, reason: 'already' };
  if (!sale.customer) return { ok: false, reason: 'noCustomer' };
  if (coupon.customerId !== null && coupon.customerId !== sale.customer.id) return { ok: false, reason: 'otherCustomer' };
  if (coupon.segment !== null && !sale.customer.segments.includes(coupon.segment)) return { ok: false, reason: 'segment' };
  // A next-order coupon printed on today's receipt: from the next visit (the next local day) only.
  if (coupon.validFromMs !== null && sale.nowMs < coupon.validFromMs) return { ok: false, reason: isNextOrderBatch(coupon.batchId) ? 'nextVisit' : 'notYet' };
  if (coupon.validToMs !== null && sale.nowMs >= coupon.validToMs) return { ok: false, reason: 'expired' };
  if (coupon.singleUse && (coupon.redeemed || sale.usedHere.has(coupon.code))) return { ok: false, reason: 'used' };
  if (!sale.offerIds.has(coupon.offerId)) return { ok: false, reason: 'offerGone' };
  return { ok: true, coupon };
}

/**
 * The server's rule for one presented code, given who holds it now: a single-use code goes to
 * the first sale that claims it and to that sale again (a resend), to no other. Multi-use codes
 * go to every sale. The database does the same with a conditional UPDATE (coupons.ts on the server).
 */
export function claimCoupon(holder: string | null, claim: { eventId: string; singleUse: boolean }): { granted: boolean; holder: string | null } {
  if (!claim.singleUse) return { granted: true, holder };
  if (holder === null || holder === claim.eventId) return { granted: true, holder: claim.eventId };
  return { granted: false, holder };
}
