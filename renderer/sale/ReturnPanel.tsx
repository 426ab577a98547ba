import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { formatRoubles } from '../../core/money';
import type { ReceiptRecord } from '../../sync/client/outbox';
import { findReceipt, previewReturn, returnable } from '../../sync/client/returns';
import type { TillDb } from '../../sync/client/tillDb';
import { localeOf } from '../i18n';
import { useSession } from '../session/useTillSession';

/** Return goods from a receipt of this till: find it, choose lines and quantities, see the bonus effect, confirm. */
export function ReturnPanel({ db, receiptNo }: { db: TillDb; receiptNo: string | null }) {
  const { t, i18n } = useTranslation();
  const session = useSession();
  const [busy, setBusy] = useState(false);
  const money = (k: number) => formatRoubles(k, localeOf(i18n.language));
  const [number, setNumber] = useState(receiptNo ?? '');
  const [receipt, setReceipt] = useState<ReceiptRecord | null>(null);
  const [qty, setQty] = useState<Record<string, number>>({});
  const [message, setMessage] = useState<{ kind: 'error' | 'done'; text: string } | null>(null);
  const [names, setNames] = useState<Map<string, string>>(new Map());
  useEffect(() => {
    if (!receipt) return;
    const ids = receipt.event.sale.lines.map((l) => l.productId);
    void db.products.bulkGet(ids).then((ps) => setNames(new Map(ps.flatMap((p) => (p ? [[p.id, p.name] as [string, string]] : [])))));
  }, [db, receipt]);

  const open = async (no: string) => {
    const r = await findReceipt(db, no);
    setReceipt(r ?? null);
    setQty({});
    setMessage(r ? null : { kind: 'error', text: t('return.notFound', { number: no }) });
  };
  useEffect(() => {
    if (receiptNo) {
      setNumber(receiptNo);
      void open(receiptNo);
    }
  }, [receiptNo]); // eslint-disable-line react-hooks/exhaustive-deps

  const left = receipt ? returnable(receipt) : new Map<string, number>();
  const chosen = Object.entries(qty)
    .map(([lineId, pieces]) => ({ lineId, quantityMilli: pieces * 1000 }))
    .filter((l) => l.quantityMilli > 0);
  let preview = null;
  let previewError: string | null = null;
  if (receipt && chosen.length > 0) {
    try {
      preview = previewReturn(receipt, chosen);
    } catch (err) {
      previewError = err instanceof Error ? err.message : String(err);
    }
  }

  // A double click commits once: the second finds the return busy (here and in the session).
  const confirm = async () => {
    if (!receipt || !preview || busy) return;
    setBusy(true);
    const res = await session.commitReturn(receipt, chosen);
    setBusy(false);
    if (!res) return;
    if (res.ok) {
      setMessage({ kind: 'done', text: t('return.done', { refund: money(res.refund) }) });
      setReceipt(null);
      setQty({});
    } else if (res.message.startsWith('fiscal:')) {
      const code = res.message.slice('fiscal:'.length);
      setMessage({ kind: 'error', text: t('fiscal.returnBlocked', { reason: t(`fiscal.errors.${code}`, { defaultValue: code }) }) });
    } else setMessage({ kind: 'error', text: t('return.failed', { message: res.message }) });
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void open(number);
  };

  return (
    <section className="sale" aria-label={t('return.title')}>
      <h2>{t('return.title')}</h2>
      <form onSubmit={submit} className="row">
        <label htmlFor="return-number" className="visually-hidden">
          {t('return.number')}
        </label>
        <input id="return-number" value={number} onChange={(e) => setNumber(e.target.value)} placeholder={t('return.number')} autoComplete="off" autoFocus />
        <button type="submit">{t('return.find')}</button>
      </form>
      {message && (
        <p role={message.kind === 'error' ? 'alert' : 'status'} className={message.kind === 'error' ? 'warn' : 'sync-done'}>
          {message.text}
        </p>
      )}
      {receipt && (
        <>
          <table className="basket" aria-label={t('return.lines')}>
            <thead>
              <tr>
                <th>{t('sale.product')}</th>
                <th>{t('return.sold')}</th>
                <th>{t('return.toReturn')}</th>
              </tr>
            </thead>
            <tbody>
              {receipt.event.sale.lines.map((l) => {
                const remaining = Math.floor((left.get(l.lineId) ?? 0) / 1000);
                const name = names.get(l.productId) ?? l.productId;
                return (
                  <tr key={l.lineId}>
                    <td>{name}</td>
                    <td>{l.quantityMilli / 1000}</td>
                    <td>
                      <input
                        type="number"
                        min={0}
                        max={remaining}
                        value={qty[l.lineId] ?? 0}
                        disabled={remaining === 0 || l.weighed}
                        aria-label={t('return.quantityOf', { name })}
                        onChange={(e) => setQty((q) => ({ ...q, [l.lineId]: Math.max(0, Math.min(remaining, Number(e.target.value) || 0)) }))}
                      />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {previewError && (
            <p role="alert" className="warn">
              {previewError}
            </p>
          )}
          {preview && (
            <dl className="totals" aria-label={t('return.effect')}>
              <dt>{t('return.refund')}</dt>
              <dd aria-label={t('return.refund')}>{money(preview.totals.refund)}</dd>
              {receipt.customerId && (
                <>
                  <dt>{t('return.restored')}</dt>
                  <dd aria-label={t('return.restored')}>{money(preview.totals.restoredBonus)}</dd>
                  <dt>{t('return.reversed')}</dt>
                  <dd aria-label={t('return.reversed')}>{money(preview.totals.reversedAccrual)}</dd>
                </>
              )}
            </dl>
          )}
          <button type="button" className="pay" disabled={!preview || busy} onClick={() => void confirm()}>
            {t('return.confirm')}
          </button>
        </>
      )}
    </section>
  );
}
