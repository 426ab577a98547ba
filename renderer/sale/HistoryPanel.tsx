import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatRoubles } from '../../core/money';
import type { ReceiptRecord } from '../../sync/client/outbox';
import { receiptsSince } from '../../sync/client/returns';
import type { TillDb } from '../../sync/client/tillDb';
import { localeOf } from '../i18n';
import { useSession, useTillState } from '../session/useTillSession';
import { CashMovementForm } from './CashMovementForm';

/**
 * This till's receipts of the shift (since local midnight), newest first, and cash in and out of
 * the drawer on the fiscal register (its amount field takes the focus: F4, type, Enter). With a
 * register, a non-fiscal copy of the selected receipt prints with Ctrl+P (the arrows select one) or
 * its row's button.
 */
export function HistoryPanel({ db, onReturn }: { db: TillDb; onReturn: (receiptNo: string) => void }) {
  const { t, i18n } = useTranslation();
  const locale = localeOf(i18n.language);
  const session = useSession();
  const { status, history } = useTillState();
  const register = Boolean(status?.fiscal);
  const [receipts, setReceipts] = useState<ReceiptRecord[]>([]);
  useEffect(() => {
    const midnight = new Date();
    midnight.setHours(0, 0, 0, 0);
    void receiptsSince(db, midnight.getTime()).then(setReceipts);
  }, [db]);
  const selected = history.selected ?? receipts[0]?.receiptId ?? null;
  const copy = history.copy;
  const copyReason = copy?.error === 'notFound' ? t('history.copyNotFound') : t(`fiscal.errors.${copy?.error ?? ''}`, { defaultValue: copy?.error ?? '' });
  return (
    <section className="sale" aria-label={t('history.title')}>
      <h2>{t('history.title')}</h2>
      <CashMovementForm autoFocus />
      {register && <p className="hint">{t('history.copyKeys')}</p>}
      {copy && (
        <p
          role={copy.ok === false ? 'alert' : 'status'}
          className={copy.ok === false ? 'warn' : 'sync-done'}
          aria-label={t('history.printCopy')}
          key={copy.seq}
        >
          {copy.busy
            ? t('history.copyPrinting', { number: copy.receiptId })
            : copy.ok
              ? t('history.copyDone')
              : t('history.copyFailed', { reason: copyReason })}
        </p>
      )}
      <table className="basket" aria-label={t('history.title')}>
        <thead>
          <tr>
            <th>{t('history.number')}</th>
            <th>{t('history.time')}</th>
            <th>{t('history.paid')}</th>
            <th>{t('history.bonuses')}</th>
            <th>{t('history.state')}</th>
            <th>
              <span className="visually-hidden">{t('sale.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {receipts.map((r) => (
            <tr key={r.receiptId} className={r.receiptId === selected ? 'selected' : undefined} aria-selected={r.receiptId === selected}>
              <td>{r.receiptId}</td>
              <td>{new Date(r.createdAt).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' })}</td>
              <td>{formatRoubles(r.event.totals.payable, locale)}</td>
              <td>{r.customerId ? `−${formatRoubles(r.event.totals.redeemed, locale)} / +${formatRoubles(r.event.totals.accrued, locale)}` : '—'}</td>
              <td>{(r.returns?.length ?? 0) > 0 ? t('history.returned') : r.synced ? t('history.synced') : t('history.waiting')}</td>
              <td>
                <button
                  type="button"
                  className="small secondary"
                  onClick={() => onReturn(r.receiptId)}
                  aria-label={t('history.returnOf', { number: r.receiptId })}
                >
                  {t('history.return')}
                </button>
                {register && (
                  <button
                    type="button"
                    className="small secondary"
                    onClick={() => void session.printReceiptCopy(r.receiptId)}
                    aria-label={t('history.printCopyOf', { number: r.receiptId })}
                  >
                    {t('history.printCopy')}
                  </button>
                )}
              </td>
            </tr>
          ))}
          {receipts.length === 0 && (
            <tr>
              <td colSpan={6} className="hint">
                {t('history.empty')}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
}
