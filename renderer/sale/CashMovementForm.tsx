import { useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { formatRoubles, parseRoubles } from '../../core/money';
import { localeOf } from '../i18n';
import { useSession, useTillState } from '../session/useTillSession';

/**
 * Cash put into the drawer or taken out (внесение / выплата), recorded on the fiscal register with
 * its reason. Keyboard first: amount, Tab, reason, then Enter for a cash in or Shift+Enter for a
 * cash out. On the shift's receipts screen (F4) for the cashier and on the manager screen. Nothing
 * when the till has no register.
 */
export function CashMovementForm({ autoFocus = false, onDone }: { autoFocus?: boolean; onDone?: () => void }) {
  const { t, i18n } = useTranslation();
  const session = useSession();
  const { status } = useTillState();
  const money = (k: number) => formatRoubles(k, localeOf(i18n.language));
  const [amount, setAmount] = useState('');
  const [why, setWhy] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string; seq: number } | null>(null);
  const amountField = useRef<HTMLInputElement>(null);
  if (!status?.fiscal) return null;

  const move = async (kind: 'cashIn' | 'cashOut') => {
    if (busy) return;
    const seq = (result?.seq ?? 0) + 1;
    const kopecks = parseRoubles(amount);
    if (kopecks === null || kopecks <= 0) {
      setResult({ ok: false, text: t('fiscal.cash.badAmount'), seq });
      amountField.current?.focus();
      return;
    }
    setBusy(true);
    const r = await session.cashMovement(kind, kopecks, why.trim());
    setBusy(false);
    setResult(
      r.ok
        ? { ok: true, text: t(`fiscal.cash.done.${kind}`, { amount: money(kopecks), drawer: money(r.cashInDrawer) }), seq }
        : { ok: false, text: t('fiscal.shift.failed', { reason: t(`fiscal.errors.${r.error}`, { defaultValue: r.error }) }), seq },
    );
    // Done: the form is empty for the next movement; refused: what was typed stays to correct.
    if (r.ok) {
      setAmount('');
      setWhy('');
      onDone?.();
    }
    amountField.current?.focus();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void move('cashIn');
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && e.shiftKey) {
      e.preventDefault();
      void move('cashOut');
    }
  };
  return (
    <>
      <form onSubmit={submit} onKeyDown={onKeyDown} className="row" aria-label={t('fiscal.cash.title')}>
        <label htmlFor="cash-amount">{t('fiscal.cash.amount')}</label>
        <input
          id="cash-amount"
          ref={amountField}
          value={amount}
          onChange={(e) => setAmount(e.target.value)}
          inputMode="decimal"
          autoComplete="off"
          autoFocus={autoFocus}
        />
        <label htmlFor="cash-reason">{t('fiscal.cash.reason')}</label>
        <input id="cash-reason" value={why} onChange={(e) => setWhy(e.target.value)} list="cash-reasons" autoComplete="off" maxLength={64} />
        <datalist id="cash-reasons">
          <option value={t('fiscal.cash.reasons.float')} />
          <option value={t('fiscal.cash.reasons.collection')} />
        </datalist>
        <button type="submit" className="secondary" disabled={busy}>
          {t('fiscal.cash.in')}
        </button>
        <button type="button" className="secondary" disabled={busy} onClick={() => void move('cashOut')}>
          {t('fiscal.cash.out')}
        </button>
      </form>
      {result && (
        <p role={result.ok ? 'status' : 'alert'} className={result.ok ? 'sync-done' : 'warn'} aria-label={t('fiscal.cash.title')} key={result.seq}>
          {result.text}
        </p>
      )}
    </>
  );
}
