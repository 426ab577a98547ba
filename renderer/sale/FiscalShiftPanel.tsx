import { useTranslation } from 'react-i18next';
import { useSession, useTillState } from '../session/useTillSession';

/**
 * The shift on the fiscal register, for the manager screen: X report (also F3 there), Z report
 * (close the shift) and opening a shift, with the register's answer. Nothing when the till has
 * no register.
 */
export function FiscalShiftPanel() {
  const { t } = useTranslation();
  const session = useSession();
  const { status, fiscalShift } = useTillState();
  if (!status?.fiscal) return null;
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
