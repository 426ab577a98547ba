import type { Kopecks } from '../money';
import { tierForSpend, type Programme } from './programme';
import type { Offer } from './offers';
import type { Customer, Store } from './input';
import { toLocal, type SaleTime } from './time';
import { indexOffers, limitReached, offerOpenTo, type OfferIndex } from './eligibility';
import { bonuses, explanation, type Explanation } from './explain';

export interface WelcomeContext {
  /** The customer being registered (rolling spend 0, purchase count 0 as a rule). */
  customer: Customer;
  store: Store;
  at: SaleTime;
  usage?: Readonly<Record<string, number>>;
}

export interface WelcomeResult {
  amount: Kopecks;
  /** Days the bonus waits before it can be spent (programme.welcomePendingDays). */
  pendingDays: number;
  appliedOffers: { id: string; version: number }[];
  explanations: Explanation[];
}

/**
 * Bonuses granted at registration: the programme's welcome bonus plus every welcome offer
 * open to this customer here and now, in priority order. An exclusive welcome offer is
 * granted only if no other welcome offer was, and then ends the list.
 */
export function welcomeBonus(programme: Programme, offers: OfferIndex | readonly Offer[], context: WelcomeContext): WelcomeResult {
  const index = 'kind' in offers ? offers : indexOffers(offers);
  const unit = programme.bonusUnitKopecks;
  const local = toLocal(context.at);
  const tier = tierForSpend(programme, context.customer.rollingSpendKopecks);
  const explanations: Explanation[] = [];
  const appliedOffers: { id: string; version: number }[] = [];
  let amount = programme.welcomeBonusKopecks;
  if (amount > 0) {
    explanations.push(
      explanation('welcomeBonus', amount, [], `Приветственный бонус: ${bonuses(amount, unit, 'ru')}`, `Welcome bonus: ${bonuses(amount, unit, 'en')}`),
    );
  }
  for (const c of index.welcome) {
    const o = c.offer;
    if (o.effect.type !== 'welcome') continue;
    if (!offerOpenTo(c, context.store, local, context.customer, tier)) continue;
    if (limitReached(o, context.usage ?? {})) continue;
    if (o.exclusive && appliedOffers.length > 0) continue;
    amount += o.effect.amountKopecks;
    appliedOffers.push({ id: o.id, version: o.version });
    explanations.push(
      explanation(
        'welcomeBonus',
        o.effect.amountKopecks,
        [],
        `Приветственный бонус по акции «${o.name.ru}»: ${bonuses(o.effect.amountKopecks, unit, 'ru')}`,
        `Welcome bonus from "${o.name.en}": ${bonuses(o.effect.amountKopecks, unit, 'en')}`,
        o.id,
      ),
    );
    if (o.exclusive) break;
  }
  return { amount, pendingDays: programme.welcomePendingDays, appliedOffers, explanations };
}
