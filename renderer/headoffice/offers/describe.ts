import type { Effect } from '../../../core/engine';

type T = (key: string, options?: Record<string, unknown>) => string;

/** Basis points or hundredths as a person writes them: 250 → "2,5" (ru) / "2.5" (en). */
export function hundredths(n: number, lng: string): string {
  const text = (n / 100).toFixed(2).replace(/\.?0+$/, '');
  return lng === 'en' ? text : text.replace('.', ',');
}

/** What an offer gives, in words: "скидка 10 %", "бонусы ×2", "3 по цене 2". */
export function describeEffect(e: Effect, t: T, lng: string, money: (k: number) => string): string {
  switch (e.type) {
    case 'percentDiscount':
    case 'extraAccrual':
      return t(`ho.describe.${e.type}`, { value: hundredths(e.basisPoints, lng) });
    case 'accrualMultiplier':
      return t('ho.describe.accrualMultiplier', { value: hundredths(e.percent, lng) });
    case 'fixedBonus':
    case 'welcome':
      return t(`ho.describe.${e.type}`, { value: money(e.amountKopecks) });
    case 'nForM':
      return t('ho.describe.nForM', { buy: e.buy, pay: e.pay });
    case 'nextOrderCoupon':
      return t('ho.describe.nextOrderCoupon', { offer: e.couponOfferId, days: e.validDays });
  }
}

/**
 * Exactly who gets an offer. Offers apply only to identified loyalty customers (the engine
 * prices no offers for a receipt without a card), so the sentence always starts there, then
 * narrows by tier, segment, first purchase, birthday or a personal list.
 */
export function describeAudience(a: AudienceFacts, t: T, tierName: (id: string) => string): string {
  const parts = [t('ho.audience.members')];
  if (a.tiers?.length) parts.push(t('ho.audience.tiers', { tiers: a.tiers.map(tierName).join(', ') }));
  if (a.segments?.length) parts.push(t('ho.audience.segments', { segments: a.segments.join(', ') }));
  if (a.firstPurchase) parts.push(t('ho.audience.firstPurchase'));
  if (a.birthday) parts.push(t('ho.audience.birthday', { before: a.birthdayBefore ?? 0, after: a.birthdayAfter ?? 0 }));
  if (a.personal) parts.push(t('ho.audience.personal', { count: a.customerCount ?? 0 }));
  return parts.join('; ');
}

/** The audience as describeAudience reads it, from a summary or from the editor's offer. */
export interface AudienceFacts {
  tiers?: string[] | undefined;
  segments?: string[] | undefined;
  firstPurchase: boolean;
  birthday: boolean;
  birthdayBefore?: number;
  birthdayAfter?: number;
  personal: boolean;
  customerCount: number | null;
}
