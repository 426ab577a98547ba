import { useTranslation } from 'react-i18next';
import type { SyncView } from '../../sync/client/session/tillState';

/** Why the customer load failed, in the cashier's language; null when it did not (a failed push is the status bar's). */
export function pullFailure(sync: SyncView, t: (key: string) => string, has: (key: string) => boolean): string | null {
  if (!sync.error || sync.errorCode === 'push') return null;
  const key = `sync.reasons.${sync.errorCode ?? ''}`;
  return has(key) ? t(key) : sync.error.replace(/\.$/, '');
}

export function SyncProgress({ sync }: { sync: SyncView }) {
  const { t, i18n } = useTranslation();
  const p = sync.progress;
  const failure = pullFailure(sync, t, (k) => i18n.exists(k));
  const alert = failure ? (
    <p role="alert" className="warn">
      {t('sync.failed', { message: failure })}
    </p>
  ) : null;
  if (!p) return alert;
  const nf = new Intl.NumberFormat(i18n.language === 'en' ? 'en-GB' : 'ru-RU');
  const total = p.loaded + p.remaining;
  if (p.complete && !failure) {
    return (
      <p className="sync-done" aria-live="polite">
        {t('sync.done', { count: nf.format(sync.cached ?? p.loaded) })}
      </p>
    );
  }
  return (
    <div className="sync-progress">
      <label htmlFor="cache-progress">{t('sync.loading')}</label>
      <progress
        id="cache-progress"
        max={Math.max(total, 1)}
        value={p.loaded}
        aria-valuetext={t('sync.progress', { loaded: nf.format(p.loaded), total: nf.format(total) })}
      />
      <span>{t('sync.progress', { loaded: nf.format(p.loaded), total: nf.format(total) })}</span>
      {alert}
    </div>
  );
}
