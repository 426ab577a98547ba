import { Fragment } from 'react';
import { useTranslation } from 'react-i18next';
import { formatRoubles } from '../../core/money';
import { localeOf } from '../i18n';
import type { Receipt } from '../../sync/client/session/tillState';
import { FeedbackPrompt } from './FeedbackPrompt';

/** Shown only once the sale is durable on this till: what was paid, spent, earned. */
export function ReceiptSummary({
  receipt,
  onNext,
  onLink,
}: {
  receipt: Receipt;
  onNext: () => void;
  onLink: (offer: NonNullable<Receipt['linkOffer']>) => void;
}) {
  const { t, i18n } = useTranslation();
  const money = (k: number) => formatRoubles(k, localeOf(i18n.language));
  // A calendar date (YYYY-MM-DD, the store's) as people write it: 13.03.2025 / 3/13/2025.
  const date = (iso: string) => new Date(`${iso}T00:00:00Z`).toLocaleDateString(localeOf(i18n.language), { timeZone: 'UTC' });
  return (
    <section className="receipt" aria-label={t('receipt.title')} role="status">
      <h2>{t('receipt.done', { number: receipt.receiptId })}</h2>
      {receipt.fiscal && (
        <p aria-label={t('fiscal.document', { number: receipt.fiscal.documentNumber, sign: receipt.fiscal.fiscalSign })}>
          {t('fiscal.document', { number: receipt.fiscal.documentNumber, sign: receipt.fiscal.fiscalSign })}
        </p>
      )}
      <dl>
        <dt>{t('receipt.paid')}</dt>
        <dd aria-label={t('receipt.paid')}>{money(receipt.paid)}</dd>
        {receipt.change > 0 && (
          <>
            <dt>{t('receipt.change')}</dt>
            <dd aria-label={t('receipt.change')}>{money(receipt.change)}</dd>
          </>
        )}
        {receipt.certificates?.map((c) => (
          <Fragment key={c.moveId}>
            <dt>{t('certificate.onReceipt', { code: c.code })}</dt>
            <dd>{t('certificate.onReceiptPart', { amount: money(c.amountKopecks), balance: money(c.balanceAfterKopecks) })}</dd>
          </Fragment>
        ))}
        {receipt.customerName && (
          <>
            <dt>{t('receipt.redeemed')}</dt>
            <dd aria-label={t('receipt.redeemed')}>{money(receipt.redeemed)}</dd>
            <dt>{t('receipt.earned')}</dt>
            <dd aria-label={t('receipt.earned')}>{money(receipt.accrued)}</dd>
            <dt>{t('receipt.newBalance', { name: receipt.customerName })}</dt>
            <dd aria-label={t('receipt.balanceAfter')}>{receipt.newBalance === null ? '—' : money(receipt.newBalance)}</dd>
          </>
        )}
      </dl>
      {receipt.nextOrderCoupons?.map((c) => (
        <p key={c.code} className="next-order-coupon" aria-label={t('receipt.nextOrderCoupon', { code: c.code })}>
          <strong>{t('receipt.nextOrderCoupon', { code: c.code })}</strong>
          {c.days && <>, {t('receipt.nextOrderCouponDays', { from: date(c.days.from), to: date(c.days.to) })}</>}
        </p>
      ))}
      {receipt.linkOffer && (
        <div className="row link-offer" role="group" aria-label={t('receipt.linkTitle')}>
          <p>{t('receipt.linkAsk', { last4: receipt.linkOffer.last4, name: receipt.linkOffer.name })}</p>
          <button type="button" className="secondary" onClick={() => onLink(receipt.linkOffer!)}>
            {t('receipt.link')}
          </button>
        </div>
      )}
      <FeedbackPrompt receiptId={receipt.receiptId} />
      <button type="button" onClick={onNext}>
        {t('receipt.next')}
      </button>
    </section>
  );
}
