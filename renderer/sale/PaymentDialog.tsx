import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { formatRoubles, parseRoubles } from '../../core/money';
import { localeOf } from '../i18n';

/** Cash payment: what the customer hands over, the change, and Enter to finish. */
export function PaymentDialog({ payable, onPay, onCard, onCancel }: {
  payable: number;
  onPay: (tendered: number) => Promise<void>;
  /** Pay on the payment terminal; resolves with why it failed, or null when paid. */
  onCard: () => Promise<string | null>;
  onCancel: () => void;
}) {
  const { t, i18n } = useTranslation();
  const money = (k: number) => formatRoubles(k, localeOf(i18n.language));
  // Pre-filled the way the cashier would type it in this language ("12,50" in Russian, "12.50" in English).
  const [text, setText] = useState(() => (payable / 100).toFixed(2).replace('.', i18n.language === 'en' ? '.' : ','));
  const [busy, setBusy] = useState(false);
  const [cardError, setCardError] = useState<string | null>(null);
  const card = async () => {
    setBusy(true);
    setCardError(null);
    const failed = await onCard();
    setBusy(false);
    if (failed !== null) setCardError(failed);
  };
  const input = useRef<HTMLInputElement>(null);
  const cardRef = useRef<HTMLButtonElement>(null);
  const tendered = parseRoubles(text);
  const enough = tendered !== null && tendered >= payable;
  useEffect(() => {
    input.current?.select();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onCancel();
      if (e.key === 'F10') {
        e.preventDefault();
        cardRef.current?.click();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onCancel]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!enough || busy || tendered === null) return;
    setBusy(true);
    await onPay(tendered);
    setBusy(false);
  };
  return (
    <div role="dialog" aria-modal="true" aria-label={t('pay.title')} className="dialog">
      <form onSubmit={submit}>
        <h2>{t('pay.title')}</h2>
        <p>{t('pay.payable')}: <strong>{money(payable)}</strong></p>
        <label htmlFor="cash-tendered">{t('pay.tendered')}</label>
        <input id="cash-tendered" ref={input} value={text} onChange={(e) => setText(e.target.value)} inputMode="decimal" autoComplete="off" />
        <p aria-live="polite">
          {enough ? t('pay.change', { change: money(tendered - payable) }) : t('pay.notEnough')}
        </p>
        {busy && <p aria-live="polite">{t('pay.waitingTerminal')}</p>}
        {cardError && <p role="alert" className="warn">{t('pay.declined', { reason: cardError })}</p>}
        <div className="row">
          <button type="submit" disabled={!enough || busy}>{t('pay.confirm')}</button>
          <button type="button" ref={cardRef} disabled={busy} onClick={() => void card()}>{t('pay.card')}</button>
          <button type="button" className="secondary" onClick={onCancel}>{t('pay.cancel')}</button>
        </div>
      </form>
    </div>
  );
}
