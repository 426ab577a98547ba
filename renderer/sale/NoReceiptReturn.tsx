import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { formatRoubles } from '../../core/money';
import { noReceiptRefund, type NoReceiptLine } from '../../sync/client/approvals';
import { parseKilograms } from '../../sync/client/session/productEntry';
import type { TillDb } from '../../sync/client/tillDb';
import { localeOf } from '../i18n';
import { useSession } from '../session/useTillSession';

/**
 * A return without a receipt: the cashier types each product's code (or barcode) and how much
 * comes back; a manager's card or PIN approves it (the same approval as a voided line), then the
 * cash goes back at today's price and head office sees who approved it.
 */
export function NoReceiptReturn({ db }: { db: TillDb }) {
  const { t, i18n } = useTranslation();
  const session = useSession();
  const money = (k: number) => formatRoubles(k, localeOf(i18n.language));
  const [code, setCode] = useState('');
  const [quantity, setQuantity] = useState('1');
  const [lines, setLines] = useState<NoReceiptLine[]>([]);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: 'error' | 'done'; text: string } | null>(null);

  const add = async (e: FormEvent) => {
    e.preventDefault();
    const typed = code.trim();
    const typedQuantity = quantity;
    if (!typed) return;
    const product = (await db.products.where('ean').equals(typed).first()) ?? (await db.products.get(typed));
    if (!product) return setMessage({ kind: 'error', text: t('return.noReceipt.unknown', { code: typed }) });
    const milli = parseKilograms(quantity);
    if (milli === null || milli <= 0 || (!product.weighed && milli % 1000 !== 0)) return setMessage({ kind: 'error', text: t('return.noReceipt.badQuantity') });
    setLines((ls) => [...ls, { product, quantityMilli: milli }]);
    // Cleared only if still what was added: the next code may have been scanned or typed while the
    // catalogue was read, and must not be wiped (the e2e lost its second product so under load).
    setCode((c) => (c.trim() === typed ? '' : c));
    setQuantity((q) => (q === typedQuantity ? '1' : q));
    setMessage(null);
  };

  const confirm = async () => {
    if (busy || lines.length === 0) return;
    setBusy(true);
    const res = await session.returnWithoutReceipt(lines);
    setBusy(false);
    if (!res) return setMessage({ kind: 'error', text: t('return.noReceipt.cancelled') });
    if (res.ok) {
      setLines([]);
      return setMessage({ kind: 'done', text: t('return.noReceipt.done', { amount: money(res.refund), name: res.managerName }) });
    }
    const reason = res.message.startsWith('fiscal:') ? t(`fiscal.errors.${res.message.slice(7)}`, { defaultValue: res.message.slice(7) }) : t(res.message);
    setMessage({ kind: 'error', text: t('return.noReceipt.failed', { reason }) });
  };

  return (
    <section aria-label={t('return.noReceipt.title')}>
      <h3>{t('return.noReceipt.title')}</h3>
      <form className="row" onSubmit={(e) => void add(e)}>
        <label htmlFor="noreceipt-code" className="visually-hidden">
          {t('return.noReceipt.code')}
        </label>
        <input
          id="noreceipt-code"
          value={code}
          onChange={(e) => setCode(e.target.value)}
          placeholder={t('return.noReceipt.code')}
          autoComplete="off"
          autoFocus
        />
        <label htmlFor="noreceipt-quantity" className="visually-hidden">
          {t('return.noReceipt.quantity')}
        </label>
        <input
          id="noreceipt-quantity"
          value={quantity}
          onChange={(e) => setQuantity(e.target.value)}
          inputMode="decimal"
          autoComplete="off"
          placeholder={t('return.noReceipt.quantity')}
        />
        <button type="submit">{t('return.noReceipt.add')}</button>
      </form>
      {message && (
        <p role={message.kind === 'error' ? 'alert' : 'status'} className={message.kind === 'error' ? 'warn' : 'sync-done'}>
          {message.text}
        </p>
      )}
      {lines.length > 0 && (
        <>
          <table className="basket" aria-label={t('return.noReceipt.lines')}>
            <tbody>
              {lines.map((l, i) => (
                <tr key={`${l.product.id}-${i}`}>
                  <td>{l.product.name}</td>
                  <td>{l.product.weighed ? t('return.noReceipt.kg', { kg: (l.quantityMilli / 1000).toFixed(3) }) : l.quantityMilli / 1000}</td>
                  <td>{money(Math.round((l.product.priceKopecks * l.quantityMilli) / 1000))}</td>
                  <td>
                    <button type="button" className="secondary small" onClick={() => setLines((ls) => ls.filter((_, j) => j !== i))}>
                      {t('return.noReceipt.remove')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <dl className="totals">
            <dt>{t('return.refund')}</dt>
            <dd aria-label={t('return.refund')}>{money(noReceiptRefund(lines))}</dd>
          </dl>
          <p className="hint">{t('return.noReceipt.needsManager')}</p>
          <button type="button" className="pay" disabled={busy} onClick={() => void confirm()}>
            {t('return.noReceipt.confirm')}
          </button>
        </>
      )}
    </section>
  );
}
