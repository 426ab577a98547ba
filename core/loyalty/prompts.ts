import { tierForSpend, toLocal, type Customer, type LocalisedText, type OfferIndex, type Programme, type SaleTime, type Store } from '../engine';
import { limitReached, offerOpenTo } from '../engine/eligibility';
import { DAY_MS } from '../engine/programme';

/** The offer closest to triggering for this customer: "ещё 150 ₽ до удвоенных бонусов". */
export interface UpsellPrompt {
  offerId: string;
  name: LocalisedText;
  /** What the basket still lacks (eligible subtotal, before discounts) for the offer to apply. */
  shortfallKopecks: number;
}

/**
 * Among offers with a minimum receipt that are open to the customer here and now (same scope,
 * time, audience and limit rules as pricing), the one the basket is nearest to reaching.
 * Offers that also need a product or a quantity are left out: adding money alone does not
 * trigger them. `eligibleSubtotalKopecks` is the basket without excluded categories, before
 * discounts, as the engine checks the condition. null when none is within reach.
 */
export function closestUpsell(
  programme: Programme,
  index: OfferIndex,
  sale: { customer: Customer; store: Store; at: SaleTime; usage: Readonly<Record<string, number>> },
  eligibleSubtotalKopecks: number,
): UpsellPrompt | null {
  const local = toLocal(sale.at);
  const tier = tierForSpend(programme, sale.customer.rollingSpendKopecks);
  let best: UpsellPrompt | null = null;
  for (const c of index.offers) {
    const o = c.offer;
    const min = o.conditions.minReceiptKopecks;
    if (min === undefined || eligibleSubtotalKopecks >= min) continue;
    if (c.requires || o.conditions.minQuantityMilli !== undefined) continue;
    if (!offerOpenTo(c, sale.store, local, sale.customer, tier) || limitReached(o, sale.usage)) continue;
    const shortfall = min - eligibleSubtotalKopecks;
    if (!best || shortfall < best.shortfallKopecks) best = { offerId: o.id, name: o.name, shortfallKopecks: shortfall };
  }
  return best;
}

/** Without a chain setting, the till warns of bonuses burning within two weeks. */
export const DEFAULT_EXPIRY_WARNING_DAYS = 14;

/** "Сгорит 300 бонусов 12 декабря — предложите списать". */
export interface ExpiryPrompt {
  amountKopecks: number;
  atMs: number;
}

/**
 * The soonest-expiring bonuses when they burn within the chain's warning window from `nowMs`
 * (`warningDays`, absent: DEFAULT_EXPIRY_WARNING_DAYS; 0 turns the prompt off). Nothing when
 * they are already gone, or the amount is nothing.
 */
export function expiryPrompt(
  expiring: { amountKopecks: number; atMs: number } | null | undefined,
  nowMs: number,
  warningDays: number | undefined,
): ExpiryPrompt | null {
  const days = warningDays ?? DEFAULT_EXPIRY_WARNING_DAYS;
  if (!expiring || days <= 0 || expiring.amountKopecks <= 0) return null;
  if (expiring.atMs <= nowMs || expiring.atMs > nowMs + days * DAY_MS) return null;
  return { amountKopecks: expiring.amountKopecks, atMs: expiring.atMs };
}
