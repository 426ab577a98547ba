import { toLocal } from '../../core/engine';
import { daysToNext } from '../../sync/client/saleDraft';

/**
 * What the customer card should say about a birthday today in the store's zone, worked out
 * independently of the card's own code path (which goes through the sale context).
 */
export function expectedBirthdayText(b: { month: number; day: number }, lang: 'ru' | 'en', now = new Date()): string {
  const today = toLocal({ kind: 'instant', instant: now.toISOString(), timeZone: 'Europe/Moscow' });
  const days = daysToNext(today, b);
  if (days === 0) return lang === 'ru' ? 'сегодня!' : 'today!';
  if (days <= 7) {
    if (lang === 'en') return days === 1 ? 'in 1 day' : `in ${days} days`;
    const form = new Intl.PluralRules('ru').select(days);
    return `через ${days} ${form === 'one' ? 'день' : form === 'few' ? 'дня' : 'дней'}`;
  }
  return new Intl.DateTimeFormat(lang === 'ru' ? 'ru-RU' : 'en-GB', { day: 'numeric', month: 'long', timeZone: 'UTC' }).format(
    Date.UTC(2000, b.month - 1, b.day),
  );
}
