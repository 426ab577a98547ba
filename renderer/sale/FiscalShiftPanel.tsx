import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatRoubles } from '../../core/money';
import { localeOf } from '../i18n';
import { useSession, useTillState } from '../session/useTillSession';
import { CashMovementForm } from './CashMovementForm';

type Totals = Awaited<ReturnType<ReturnType<typeof useSession>['fiscalTotals']>>;
type Figure = `${'sales' | 'returns'}.${'count' | 'cash' | 'card'}`;

/**
 * The shift on the fiscal register, for the manager screen: X report (also F3 there), Z report
 * (close the shift) and opening a shift, with the register's answer; the shift's totals as this
 * till's journal has them beside the register's own counters, with a warning where they differ;
 * cash in and out. Nothing when the till has no register.
 */
export function FiscalShiftPanel() {
  const { t, i18n } = useTranslation();
  const session = useSession();
  const { status, fiscalShift } = useTillState();
  const money = (k: number) => formatRoubles(k, localeOf(i18n.language));
  const [totals, setTotals] = useState<Totals | null>(null);
  const [moved, setMoved] = useState(0);
  const hasRegister = status?.fiscal != null;
  // The shift's totals, asked again after every shift action and cash movement.
  useEffect(() => {
    if (hasRegister && !fiscalShift?.busy) void session.fiscalTotals().then(setTotals);
  }, [hasRegister, fiscalShift?.seq, fiscalShift?.busy, moved, session]);
  if (!status?.fiscal) return null;
  const busy = fiscalShift?.busy === true;
  const reason = (code: string) => t(`fiscal.errors.${code}`, { defaultValue: code });
  const figureName = (f: Figure) => t(`fiscal.totals.figure.${f.replace('.', '_')}`);
  const shown = (f: Figure, v: number) => (f.endsWith('count') ? String(v) : money(v));
  const counted = totals?.ok ? totals.register : null;
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
        <button type="button" className="secondary" disabled={busy} onClick={() => void session.fiscalShift('openCashDrawer')}>
          {t('fiscal.shift.openCashDrawer')}
        </button>
      </div>
      {totals?.ok && (
        <>
          <p>
            {t('fiscal.totals.shift')}: {t(`fiscal.totals.state.${totals.shift.state}`, { number: totals.shift.number })}
          </p>
          {totals.mismatches.length > 0 && (
            <p role="alert" className="warn" aria-label={t('fiscal.totals.mismatchLabel')}>
              {t('fiscal.totals.mismatch', {
                figures: totals.mismatches
                  .map((m) =>
                    t('fiscal.totals.mismatchFigure', { figure: figureName(m.figure), till: shown(m.figure, m.till), register: shown(m.figure, m.register) }),
                  )
                  .join('; '),
              })}
            </p>
          )}
          {!totals.register && <p className="hint">{t('fiscal.totals.registerUnknown')}</p>}
          <table className="basket fiscal-totals" aria-label={t('fiscal.totals.title')}>
            <thead>
              <tr>
                <th scope="col">{t('fiscal.totals.title')}</th>
                <th scope="col">{t('fiscal.totals.till')}</th>
                <th scope="col">{t('fiscal.totals.register')}</th>
              </tr>
            </thead>
            <tbody>
              {(['sales', 'returns'] as const).flatMap((side) =>
                (['count', 'cash', 'card'] as const).map((what) => {
                  const figure: Figure = `${side}.${what}`;
                  const ours = totals.totals[side][what];
                  const theirs = totals.register?.[side === 'sales' ? 'sell' : 'sellReturn'];
                  const reg = theirs ? (what === 'count' ? theirs.count : what === 'cash' ? theirs.cashKopecks : theirs.cardKopecks) : null;
                  const differs = totals.mismatches.some((m) => m.figure === figure);
                  return (
                    <tr key={figure} className={differs ? 'warn' : undefined}>
                      <th scope="row">{figureName(figure)}</th>
                      <td className="money">{shown(figure, ours)}</td>
                      <td className="money">{reg === null ? '—' : shown(figure, reg)}</td>
                    </tr>
                  );
                }),
              )}
              {counted && (
                <>
                  {counted.sell.otherKopecks > 0 && (
                    <tr>
                      <th scope="row">{t('fiscal.totals.figure.sales_other')}</th>
                      <td className="money">—</td>
                      <td className="money">{money(counted.sell.otherKopecks)}</td>
                    </tr>
                  )}
                  {(['cashIn', 'cashOut'] as const).map((kind) => (
                    <tr key={kind}>
                      <th scope="row">{t(`fiscal.totals.figure.${kind}`)}</th>
                      <td className="money">—</td>
                      <td className="money">{t('fiscal.totals.countSum', { count: counted[kind].count, sum: money(counted[kind].totalKopecks) })}</td>
                    </tr>
                  ))}
                  <tr>
                    <th scope="row">{t('fiscal.totals.figure.drawer')}</th>
                    <td className="money">—</td>
                    <td className="money">{money(counted.cashInDrawerKopecks)}</td>
                  </tr>
                </>
              )}
            </tbody>
          </table>
        </>
      )}
      <CashMovementForm onDone={() => setMoved((n) => n + 1)} />
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
