import { tierForSpend, type Programme } from './programme';
import type { Offer } from './offers';
import type { Customer, Store } from './input';
import { toLocal, type SaleTime } from './time';
import { indexOffers, offerOpenTo, type OfferIndex } from './eligibility';

export interface PersonalOffersContext {
  customer: Customer;
  store: Store;
  at: SaleTime;
}

/**
 * Sale offers aimed at this customer in person: their id is on the offer's list, or the
 * offer runs around their birthday. Only those open to them here and now, judged by the
 * same scope, time and audience rules as pricing (the basket is not looked at), in priority
 * order. For the customer panel: "what is in it for you today".
 */
export function personalOffers(programme: Programme, offers: OfferIndex | readonly Offer[], context: PersonalOffersContext): Offer[] {
  const index = 'kind' in offers ? offers : indexOffers(offers);
  const local = toLocal(context.at);
  const tier = tierForSpend(programme, context.customer.rollingSpendKopecks);
  return index.offers
    .filter((c) => (c.customers !== null || c.offer.audience.birthday !== undefined) && offerOpenTo(c, context.store, local, context.customer, tier))
    .map((c) => c.offer);
}
