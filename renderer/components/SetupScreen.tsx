import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { afterRefusal, managerPart, MANAGER_PIN_PATTERN, type EnrolAnswer } from './setupForm';

export interface SetupScreenProps {
  defaultServerUrl: string | null;
  /** The till name from the machine config (LT_TERMINAL_NAME or config.json), if any. */
  defaultName?: string | null;
  /** Why setup is shown again (for example the server revoked this terminal). */
  reason?: string | null;
  /** `manager`: a store manager's PIN, when the till is still enrolled and working (issue 13). */
  enrol: (serverUrl: string, code: string, deviceName: string, manager: { managerPin?: string }) => Promise<EnrolAnswer>;
}

/** First run for IT: the server address and the one-time enrolment code. */
export function SetupScreen({ defaultServerUrl, defaultName, reason, enrol }: SetupScreenProps) {
  const { t, i18n } = useTranslation();
  const [serverUrl, setServerUrl] = useState(defaultServerUrl ?? 'http://127.0.0.1:8787');
  const [code, setCode] = useState('');
  const [name, setName] = useState(defaultName ?? t('setup.defaultName'));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [needsManager, setNeedsManager] = useState(false);
  const [managerPin, setManagerPin] = useState('');

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const res = await enrol(serverUrl.trim(), code.trim(), name.trim(), managerPart(needsManager, managerPin));
    setBusy(false);
    if (res.ok) return;
    // Worded by code; a code this screen does not know yet still says what to do, in the cashier's language.
    const next = afterRefusal(res.code, needsManager, (key) => i18n.exists(key));
    setNeedsManager(next.needsManager);
    // A PIN is never kept on screen after a try.
    setManagerPin('');
    setError(t(next.errorKey));
  };

  return (
    <section className="setup">
      <h2>{t('setup.title')}</h2>
      {reason && (
        <p role="alert" className="warn">
          {reason}
        </p>
      )}
      <p>{t('setup.hint')}</p>
      <form onSubmit={submit} className="setup-form">
        <label htmlFor="setup-server">{t('setup.server')}</label>
        <input id="setup-server" value={serverUrl} onChange={(e) => setServerUrl(e.target.value)} required type="url" />
        <label htmlFor="setup-code">{t('setup.code')}</label>
        <input id="setup-code" value={code} onChange={(e) => setCode(e.target.value)} required autoFocus autoComplete="off" placeholder="ABCDE-23456" />
        <label htmlFor="setup-name">{t('setup.name')}</label>
        <input id="setup-name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
        {needsManager && (
          <>
            <p className="setup-manager-hint">{t('setup.managerHint')}</p>
            <label htmlFor="setup-manager-pin">{t('setup.managerPin')}</label>
            <input
              id="setup-manager-pin"
              type="password"
              inputMode="numeric"
              autoComplete="off"
              pattern={MANAGER_PIN_PATTERN}
              title={t('setup.managerPinFormat')}
              required
              autoFocus
              value={managerPin}
              onChange={(e) => setManagerPin(e.target.value)}
            />
          </>
        )}
        <button type="submit" disabled={busy}>
          {t('setup.submit')}
        </button>
      </form>
      {error && (
        <p role="alert" className="warn">
          {t('setup.failed', { message: error })}
        </p>
      )}
    </section>
  );
}
