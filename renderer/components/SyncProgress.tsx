import { useTranslation } from 'react-i18next';
import type { SyncView } from '../useTill';

export function SyncProgress({ sync }: { sync: SyncView }) {
  const { t, i18n } = useTranslation();
  const p = sync.progress;
  if (!p) return sync.error ? <p role="alert" className="warn">{t('sync.failed', { message: sync.error })}</p> : null;
  const nf = new Intl.NumberFormat(i18n.language === 'en' ? 'en-GB' : 'ru-RU');
  const total = p.loaded + p.remaining;
  if (p.complete && !sync.error) {
    return <p className="sync-done" aria-live="polite">{t('sync.done', { count: nf.format(sync.cached ?? p.loaded) })}</p>;
  }
  return (
    <div className="sync-progress">
      <label htmlFor="cache-progress">{t('sync.loading')}</label>
      <progress id="cache-progress" max={Math.max(total, 1)} value={p.loaded} aria-valuetext={t('sync.progress', { loaded: nf.format(p.loaded), total: nf.format(total) })} />
      <span>{t('sync.progress', { loaded: nf.format(p.loaded), total: nf.format(total) })}</span>
      {sync.error && <p role="alert" className="warn">{t('sync.failed', { message: sync.error })}</p>}
    </div>
  );
}
