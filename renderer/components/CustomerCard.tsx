import { useTranslation } from 'react-i18next';
import { formatRoubles } from '../../core/money';
import type { CustomerPanelInfo } from '../../sync/client/saleDraft';
import type { LocalCustomer } from '../../sync/client/tillDb';
import type { MonthDay } from '../../sync/protocol/schemas';
import { localeOf } from '../i18n';

/** Within this many days the card says "in N days" rather than the date. */
const SOON_DAYS = 7;

function birthdayText(birthday: MonthDay, inDays: number | null, locale: string, t: (key: string, options?: Record<string, unknown>) => string): string {
  if (inDays === 0) return t('customer.birthdayToday');
  if (inDays !== null && inDays <= SOON_DAYS) return t('customer.birthdayIn', { count: inDays });
  // A leap year, so 29 February formats too; UTC so the day never shifts.
  return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'long', timeZone: 'UTC' }).format(Date.UTC(2000, birthday.month - 1, birthday.day));
}

export function CustomerCard({ customer, via, panel = null }: { customer: LocalCustomer; via: 'card' | 'phone' | 'bank'; panel?: CustomerPanelInfo | null }) {
  const { t, i18n } = useTranslation();
  const locale = localeOf(i18n.language);
  const tierKey = `customer.tiers.${customer.tier}`;
  const tier = i18n.exists(tierKey) ? t(tierKey) : customer.tier;
  // The panel is worked out for the sale's customer; a stale one (another customer) is not shown.
  const info = panel?.customerId === customer.id ? panel : null;
  const lang = i18n.language === 'en' ? 'en' : 'ru';
  return (
    <article className="customer" aria-label={t('customer.title')} data-customer-id={customer.id}>
      <header>
        <h2>{customer.firstName}</h2>
        <span className="via">{t(`customer.via.${via}`)}</span>
      </header>
      <dl>
        <dt>{t('customer.phone')}</dt>
        <dd aria-label={t('customer.phone')}>{customer.maskedPhone ?? '—'}</dd>
        <dt>{t('customer.tier')}</dt>
        <dd aria-label={t('customer.tier')}>{tier}</dd>
        <dt>{t('customer.balance')}</dt>
        <dd className="balance" aria-label={t('customer.balance')} data-kopecks={customer.balance}>
          {formatRoubles(customer.balance, locale)}
        </dd>
        {customer.pending > 0 && (
          <>
            <dt>{t('customer.pending')}</dt>
            <dd aria-label={t('customer.pending')}>{formatRoubles(customer.pending, locale)}</dd>
          </>
        )}
        {customer.birthday && (
          <>
            <dt>{t('customer.birthday')}</dt>
            <dd aria-label={t('customer.birthday')} className={info?.birthdayInDays === 0 ? 'birthday-today' : undefined}>
              {birthdayText(customer.birthday, info?.birthdayInDays ?? null, locale, t)}
            </dd>
          </>
        )}
      </dl>
      {info?.expiry && (
        <p className="expiry" role="status" data-kopecks={info.expiry.amountKopecks}>
          {t('customer.expiry', {
            count: info.expiry.bonuses,
            amount: new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(info.expiry.bonuses),
            date: new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'long', timeZone: 'UTC' }).format(
              Date.UTC(2000, info.expiry.month - 1, info.expiry.day),
            ),
          })}
        </p>
      )}
      {info?.upsell && (
        <p className="upsell" role="status">
          {t('customer.upsell', { amount: formatRoubles(info.upsell.shortfallKopecks, locale), offer: info.upsell.name[lang] })}
        </p>
      )}
      {info && info.offers.length > 0 && (
        <section className="personal-offers" aria-label={t('customer.offers')}>
          <h3>{t('customer.offers')}</h3>
          <ul>
            {info.offers.map((o) => (
              <li key={o.id}>{o.name[lang]}</li>
            ))}
          </ul>
        </section>
      )}
    </article>
  );
}
