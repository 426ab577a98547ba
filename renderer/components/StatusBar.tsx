import { useTranslation } from 'react-i18next';
import type { Link, SyncView } from '../../sync/client/session/tillState';
import type { DeviceInfo } from '../../sync/protocol/host';
import { LANGUAGES, localeOf, setLanguage, type Language } from '../i18n';

const BAD: ReadonlySet<Link> = new Set(['serverDown', 'hostDown', 'revoked', 'notEnrolled']);

export function StatusBar({
  sync,
  store,
  terminal,
  devices,
  onDiagnostics,
  onManager,
  onRejected,
}: {
  sync: SyncView;
  store: string | null;
  terminal: string | null;
  devices: DeviceInfo[];
  onDiagnostics: () => void;
  onManager: () => void;
  onRejected: () => void;
}) {
  const { t, i18n } = useTranslation();
  const time = sync.lastSyncAt
    ? new Date(sync.lastSyncAt).toLocaleTimeString(localeOf(i18n.language), { hour: '2-digit', minute: '2-digit', second: '2-digit' })
    : t('status.never');
  const link = t(`status.link.${sync.link}`);
  return (
    <footer className="status-bar" role="status" aria-label={t('status.label')}>
      <span className={`pill ${BAD.has(sync.link) ? 'pill-bad' : 'pill-good'}`} aria-label={link}>
        {link}
      </span>
      {BAD.has(sync.link) && sync.offlineSince && (
        <span>
          {t('status.offlineSince', { time: new Date(sync.offlineSince).toLocaleTimeString(localeOf(i18n.language), { hour: '2-digit', minute: '2-digit' }) })}
        </span>
      )}
      <span>{t('status.lastSync', { time })}</span>
      <span aria-label={t('status.waiting', { count: sync.waiting })}>{t('status.waiting', { count: sync.waiting })}</span>
      {sync.rejected > 0 && (
        <button type="button" className="secondary small devices-bad" onClick={onRejected}>
          {t('status.rejected', { count: sync.rejected })}
        </button>
      )}
      {store && terminal && <span>{t('status.store', { store, terminal })}</span>}
      {/* With the host away nobody knows the devices: saying "all connected" would be a lie. */}
      {sync.link === 'hostDown' ? <span className="devices devices-bad">{t('status.devicesUnknown')}</span> : <DeviceSummary devices={devices} />}
      <button type="button" className="secondary small" onClick={onManager}>
        {t('manager.open')}
      </button>
      <button type="button" className="secondary small" onClick={onDiagnostics}>
        {t('diagnostics.open')}
      </button>
      <label className="lang">
        {t('status.language')}{' '}
        <select value={i18n.language} onChange={(e) => setLanguage(e.target.value as Language)} aria-label={t('status.language')}>
          {LANGUAGES.map((l) => (
            <option key={l} value={l}>
              {l === 'ru' ? 'Русский' : 'English'}
            </option>
          ))}
        </select>
      </label>
    </footer>
  );
}

function DeviceSummary({ devices }: { devices: DeviceInfo[] }) {
  const { t } = useTranslation();
  if (devices.length === 0) return <span>{t('status.noDevices')}</span>;
  const connected = devices.filter((d) => d.status === 'connected').length;
  const text = t('status.devices', { connected, total: devices.length });
  return (
    <span
      className={connected < devices.length ? 'devices devices-bad' : 'devices'}
      aria-label={text}
      title={devices.map((d) => `${d.deviceId}: ${t(`status.device.${d.status}`)}`).join('\n')}
    >
      {text}
    </span>
  );
}
