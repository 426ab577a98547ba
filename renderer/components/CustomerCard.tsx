import { useTranslation } from 'react-i18next';
import { formatRoubles } from '../../core/money';
import type { LocalCustomer } from '../../sync/client/tillDb';
import { localeOf } from '../i18n';

export function CustomerCard({ customer, via }: { customer: LocalCustomer; via: 'card' | 'phone' | 'bank' }) {
  const { t, i18n } = useTranslation();
  const locale = localeOf(i18n.language);
  const tierKey = `customer.tiers.${customer.tier}`;
  const tier = i18n.exists(tierKey) ? t(tierKey) : customer.tier;
  return (
    <article className="customer" aria-label={t('customer.title')}>
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
      </dl>
    </article>
  );
}
