import { tierForSpend, toLocal, type Customer, type LocalisedText, type OfferIndex, type Programme, type SaleTime, type Store } from '../engine';
import { limitReached, offerOpenTo } from '../engine/eligibility';

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
