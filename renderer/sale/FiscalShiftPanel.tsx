import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { formatRoubles, parseRoubles } from '../../core/money';
import { localeOf } from '../i18n';
import { useSession, useTillState } from '../session/useTillSession';

type Totals = Awaited<ReturnType<ReturnType<typeof useSession>['fiscalTotals']>>;

/**
 * The shift on the fiscal register, for the manager screen: X report (also F3 there), Z report
 * (close the shift) and opening a shift, with the register's answer. Nothing when the till has
 * no register.
 */
export function FiscalShiftPanel() {
  const { t, i18n } = useTranslation();
  const session = useSession();
  const { status, fiscalShift } = useTillState();
  const money = (k: number) => formatRoubles(k, localeOf(i18n.language));
  const [totals, setTotals] = useState<Totals | null>(null);
  const [amount, setAmount] = useState('');
  const [why, setWhy] = useState('');
  const [cash, setCash] = useState<{ ok: boolean; text: string } | null>(null);
  const hasRegister = status?.fiscal != null;
  // The shift's totals, asked again after every shift action and cash movement.
  useEffect(() => {
    if (hasRegister && !fiscalShift?.busy) void session.fiscalTotals().then(setTotals);
  }, [hasRegister, fiscalShift?.seq, fiscalShift?.busy, cash, session]);
  if (!status?.fiscal) return null;
  const move = async (kind: 'cashIn' | 'cashOut') => {
    const kopecks = parseRoubles(amount);
    if (kopecks === null || kopecks <= 0) return setCash({ ok: false, text: t('fiscal.cash.badAmount') });
    const r = await session.cashMovement(kind, kopecks, why.trim());
    setCash(
      r.ok
        ? { ok: true, text: t(`fiscal.cash.done.${kind}`, { amount: money(kopecks), drawer: money(r.cashInDrawer) }) }
        : { ok: false, text: t('fiscal.shift.failed', { reason: t(`fiscal.errors.${r.error}`, { defaultValue: r.error }) }) },
    );
    if (r.ok) setAmount('');
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void move('cashIn');
  };
  const busy = fiscalShift?.busy === true;
  const reason = (code: string) => t(`fiscal.errors.${code}`, { defaultValue: code });
  return (
    <section aria-label={t('fiscal.shift.title')} className="fiscal-shift">
      <h3>{t('fiscal.shift.title')}</h3>
      <div className="row">
        <button type="button" className="secondary" disabled={busy} onClick={() => void session.fiscalShift('openShift')}>
          {t('fiscal.shift.openShift')}
        </button>
        <button type="button" className="secondary" disabled={busy} onClick={() => void session.fiscalShift('reportX')}>
          {t('fiscal.shift.reportX')}
        </button>
        <button type="button" className="secondary" disabled={busy} onClick={() => void session.fiscalShift('closeShift')}>
          {t('fiscal.shift.closeShift')}
        </button>
      </div>
      {totals?.ok && (
        <dl className="totals" aria-label={t('fiscal.totals.title')}>
          <dt>{t('fiscal.totals.shift')}</dt>
          <dd>{t(`fiscal.totals.state.${totals.shift.state}`, { number: totals.shift.number })}</dd>
          <dt>{t('fiscal.totals.sales', { count: totals.totals.sales.count })}</dt>
          <dd aria-label={t('fiscal.totals.salesLabel')}>
            {t('fiscal.totals.byMethod', { cash: money(totals.totals.sales.cash), card: money(totals.totals.sales.card) })}
          </dd>
          <dt>{t('fiscal.totals.returns', { count: totals.totals.returns.count })}</dt>
          <dd aria-label={t('fiscal.totals.returnsLabel')}>
            {t('fiscal.totals.byMethod', { cash: money(totals.totals.returns.cash), card: money(totals.totals.returns.card) })}
          </dd>
        </dl>
      )}
      <form onSubmit={submit} className="row" aria-label={t('fiscal.cash.title')}>
        <label htmlFor="cash-amount">{t('fiscal.cash.amount')}</label>
        <input id="cash-amount" value={amount} onChange={(e) => setAmount(e.target.value)} inputMode="decimal" autoComplete="off" />
        <label htmlFor="cash-reason">{t('fiscal.cash.reason')}</label>
        <input id="cash-reason" value={why} onChange={(e) => setWhy(e.target.value)} list="cash-reasons" autoComplete="off" maxLength={64} />
        <datalist id="cash-reasons">
          <option value={t('fiscal.cash.reasons.float')} />
          <option value={t('fiscal.cash.reasons.collection')} />
        </datalist>
        <button type="submit" className="secondary">
          {t('fiscal.cash.in')}
        </button>
        <button type="button" className="secondary" onClick={() => void move('cashOut')}>
          {t('fiscal.cash.out')}
        </button>
      </form>
      {cash && (
        <p role={cash.ok ? 'status' : 'alert'} className={cash.ok ? 'sync-done' : 'warn'} aria-label={t('fiscal.cash.title')}>
          {cash.text}
        </p>
      )}
      {fiscalShift && (
        <p role={fiscalShift.ok === false ? 'alert' : 'status'} className={fiscalShift.ok === false ? 'warn' : 'sync-done'} key={fiscalShift.seq}>
          {fiscalShift.busy
            ? t('fiscal.shift.busy')
            : fiscalShift.ok
              ? t(`fiscal.shift.done.${fiscalShift.action}`, {
                  shift: fiscalShift.shiftNumber ?? '',
                  number: fiscalShift.documentNumber ?? '',
                  count: fiscalShift.receiptsCount ?? 0,
                })
              : t('fiscal.shift.failed', { reason: reason(fiscalShift.error ?? '') })}
        </p>
      )}
    </section>
  );
}
