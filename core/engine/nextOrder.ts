import { couponCodeFrom } from '../loyalty/coupons';
export { nextOrderBatchId, isNextOrderBatch } from '../loyalty/coupons';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import type { Programme } from './programme';
import type { Customer, Store } from './input';
import type { PricedReceipt } from './pricing';
import { filterMatches, inScope, inTimeWindow, inAudience, type CompiledOffer, type OfferIndex } from './eligibility';
import { dayNumberOf, toLocal, type SaleTime } from './time';

/**
 * Next-order coupons (issue 16): an offer with the effect `nextOrderCoupon` gives a sale that
 * qualifies (scope, dates and hours, audience, and its conditions judged on the basket as priced)
 * one single-use coupon for another offer, a coupon offer (audience.coupon), to use from the next
 * local day for `validDays` days. The receipt is printed at the till before the server has seen
 * the sale, often offline, so the code is derived, not drawn: the same sale (its event id, made
 * at random at the till and never printed) and the same offer always give the same code, at the
 * till and again at the server, which issues it once when it applies the pushed sale and only
 * if its own pricing finds the sale qualifies. Nothing on this receipt changes.
 *
 * A coupon is tied to the sale's customer; a sale without a card gets a bearer coupon (any card
 * holder may use it, as with head office's bearer codes). Per-customer limits and exclusivity do
 * not apply to these offers: every qualifying sale issues one coupon per offer.
 */

export interface NextOrderCoupon {
  code: string;
  /** The next-order offer that issued it. */
  offerId: string;
  /** The coupon offer the code unlocks on a later visit. */
  couponOfferId: string;
  /** Only this customer may use it; null: a bearer coupon. */
  customerId: string | null;
  /** The next local midnight after the sale: the same day (the same visit) it is refused. */
  validFromMs: number;
  validToMs: number;
  /** The offer asks for an SMS to the customer too (sent by the server, with their SMS consent). */
  sms: boolean;
}

/** Every next-order code starts with this; the rest comes from COUPON_ALPHABET. */
export const NEXT_ORDER_PREFIX = 'N';
const CODE_CHARS = 11;
const DAY_MS = 86_400_000;

/** The code a sale (its event id) gets from a next-order offer: the same everywhere, different for each sale and offer. */
export function nextOrderCouponCode(offerId: string, eventId: string): string {
  const digest = sha256(utf8ToBytes(`loyalty-till next-order coupon\u0000${offerId}\u0000${eventId.toLowerCase()}`));
  return couponCodeFrom(digest.subarray(0, CODE_CHARS), NEXT_ORDER_PREFIX);
}

/** Local midnight starting day `dayNumber` in `timeZone`, as an instant (minutes are whole in every zone in use). */
export function localMidnightMs(dayNumber: number, timeZone: string): number {
  let guess = dayNumber * DAY_MS;
  for (let i = 0; i < 4; i++) {
    const l = toLocal({ kind: 'instant', instant: new Date(guess).toISOString(), timeZone });
    const off = (l.dayNumber - dayNumber) * 1440 + l.minuteOfDay;
    if (off === 0) break;
    guess -= off * 60_000;
  }
  return guess;
}

/** Eligible subtotal, requires and quantity, as the sale offers judge them (stacking.ts), on the priced lines. */
function conditionsMet(c: CompiledOffer, priced: PricedReceipt): boolean {
  const cond = c.offer.conditions;
  const lines = priced.lines.filter((l) => !l.excluded);
  if (cond.minReceiptKopecks !== undefined && lines.reduce((s, l) => s + l.amount, 0) < cond.minReceiptKopecks) return false;
  const requires = c.requires;
  if (requires && !lines.some((l) => filterMatches(requires, l.productId, l.categories))) return false;
  if (cond.minQuantityMilli !== undefined) {
    const q = lines.filter((l) => filterMatches(c.target, l.productId, l.categories)).reduce((s, l) => s + l.quantityMilli, 0);
    if (q < cond.minQuantityMilli) return false;
  }
  return lines.length > 0;
}

/** Without a card only an offer for everyone applies. */
function openToAnyone(c: CompiledOffer): boolean {
  const a = c.offer.audience;
  return !a.tiers && !a.segments && !a.customerIds && !a.firstPurchase && !a.birthday && !a.coupon;
}

/**
 * The coupons this sale earns for next time, in offer priority order. `sale` is the engine input
 * the receipt was priced from; `timeZone` is the store's (valid-from is the next local day).
 */
export function nextOrderCoupons(
  programme: Programme,
  index: OfferIndex,
  sale: { store: Store; at: SaleTime; customer: Customer | null },
  priced: PricedReceipt,
  issue: { eventId: string; timeZone: string },
): NextOrderCoupon[] {
  if (index.nextOrder.length === 0) return [];
  const local = toLocal(sale.at);
  const tier = programme.tiers.find((t) => t.id === priced.tierId) ?? null;
  const couponOffers = new Set(index.offers.filter((c) => c.offer.audience.coupon === true).map((c) => c.offer.id));
  const validFromMs = localMidnightMs(dayNumberOf(local.year, local.month, local.day) + 1, issue.timeZone);
  const out: NextOrderCoupon[] = [];
  for (const c of index.nextOrder) {
    const e = c.offer.effect;
    if (e.type !== 'nextOrderCoupon' || !couponOffers.has(e.couponOfferId)) continue;
    if (!inScope(c, sale.store) || !inTimeWindow(c, local)) continue;
    if (sale.customer && tier ? !inAudience(c, sale.customer, tier, local) : !openToAnyone(c)) continue;
    if (!conditionsMet(c, priced)) continue;
    out.push({
      code: nextOrderCouponCode(c.offer.id, issue.eventId),
      offerId: c.offer.id,
      couponOfferId: e.couponOfferId,
      customerId: sale.customer?.id ?? null,
      validFromMs,
      validToMs: validFromMs + e.validDays * DAY_MS,
      sms: e.sms === true,
    });
  }
  return out;
}
