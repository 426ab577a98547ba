import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatRoubles } from '../../core/money';
import { localeOf } from '../i18n';
import { CustomerFeed, FEED_CHANNEL } from './customerFeed';
import './customer.css';

/** The customer-facing display: what the till page publishes, read-only, large and plain. */
export function CustomerView() {
  const { t, i18n } = useTranslation();
  const locale = localeOf(i18n.language);
  const money = (k: number) => formatRoubles(k, locale);
  const [feed, setFeed] = useState<CustomerFeed | null>(null);
  useEffect(() => {
    const channel = new BroadcastChannel(FEED_CHANNEL);
    channel.onmessage = (e) => {
      if (typeof e.data !== 'string') return;
      try {
        const parsed = CustomerFeed.safeParse(JSON.parse(e.data));
        if (parsed.success) setFeed(parsed.data);
      } catch {
        // Not a feed message: ignored.
      }
    };
    channel.postMessage('hello');
    return () => channel.close();
  }, []);
  return (
    <main className="customer-view" aria-label={t('customerView.title')}>
      {feed?.customer ? (
        <header>
          <h1>{t('customerView.hello', { name: feed.customer.firstName })}</h1>
          {feed.customer.balance !== null && (
            <p aria-label={t('customerView.balance')}>{t('customerView.balanceIs', { amount: money(feed.customer.balance) })}</p>
          )}
        </header>
      ) : (
        <header>
          <h1>{t('customerView.welcome')}</h1>
        </header>
      )}
      {feed?.registering && (
        <section className="consent" aria-label={t('customerView.consentTitle')}>
          <h2>{t('customerView.consentTitle')}</h2>
          <p>{t('register.personalData')}</p>
          <p>{t('register.marketingHint')}</p>
        </section>
      )}
      <div className="lines">
        <table aria-label={t('customerView.basket')}>
          <tbody>
            {(feed?.lines ?? []).map((l) => (
              <tr key={l.id}>
                <td className="name">{l.name}</td>
                <td className="qty">{l.weighed ? `${(l.quantityMilli / 1000).toLocaleString(locale)} ${t('sale.kg')}` : `× ${l.quantityMilli / 1000}`}</td>
                <td className="money">{money(l.amount)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {feed && feed.lines.length > 0 && (
        <dl className="totals">
          {feed.discount > 0 && (
            <>
              <dt>{t('sale.discount')}</dt>
              <dd>−{money(feed.discount)}</dd>
            </>
          )}
          {feed.redeemed > 0 && (
            <>
              <dt>{t('sale.redeemed')}</dt>
              <dd>−{money(feed.redeemed)}</dd>
            </>
          )}
          <dt className="payable">{t('sale.payable')}</dt>
          <dd className="payable" aria-label={t('sale.payable')}>
            {money(feed.payable)}
          </dd>
          {feed.customer && (
            <>
              <dt>{t('sale.willEarn')}</dt>
              <dd aria-label={t('sale.willEarn')}>{money(feed.accrued)}</dd>
            </>
          )}
        </dl>
      )}
      {feed?.paid && <p className="paid">{t('customerView.thanks', { change: money(feed.paid.change) })}</p>}
    </main>
  );
}
