import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { afterRefusal, managerCardDigits, managerPart, MANAGER_PIN_PATTERN, serverChange, type EnrolAnswer } from './setupForm';

/** The enrolment a re-enrolment would replace: shown beside the new server (issue 13). */
export interface CurrentEnrolment {
  serverUrl: string;
  terminalName: string;
  storeName: string;
}

export interface SetupScreenProps {
  defaultServerUrl: string | null;
  /** The till name from the machine config (LT_TERMINAL_NAME or config.json), if any. */
  defaultName?: string | null;
  /** Why setup is shown again (for example the server revoked this terminal). */
  reason?: string | null;
  /**
   * `manager`: a store manager's PIN or card, when the till is still enrolled and working
   * (issue 13); the host checks it with the till's current server before replacing anything.
   */
  enrol: (serverUrl: string, code: string, deviceName: string, manager: { managerPin?: string; managerCard?: string }) => Promise<EnrolAnswer>;
  /** Re-enrolling a working till (from diagnostics): what it is enrolled as now; the manager is asked from the start. */
  current?: CurrentEnrolment | null;
  /** A manager card the till read (the session routes scans here); confirms as a PIN does. */
  scanned?: { text: string; seq: number } | null;
  /** Leave without changing anything (re-enrolment only). */
  onCancel?: () => void;
}

/** First run for IT: the server address and the one-time enrolment code; also re-enrolment of a live till. */
export function SetupScreen({ defaultServerUrl, defaultName, reason, enrol, current = null, scanned = null, onCancel }: SetupScreenProps) {
  const { t, i18n } = useTranslation();
  const [serverUrl, setServerUrl] = useState(defaultServerUrl ?? 'http://127.0.0.1:8787');
  const [code, setCode] = useState('');
  const [name, setName] = useState(defaultName ?? t('setup.defaultName'));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [needsManager, setNeedsManager] = useState(current !== null);
  const [managerPin, setManagerPin] = useState('');
  const [managerCard, setManagerCard] = useState<string | null>(null);
  const form = useRef<HTMLFormElement>(null);
  // Read at submit time: a card scanned a moment ago is not in this render's state yet.
  const cardRef = useRef<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const res = await enrol(serverUrl.trim(), code.trim(), name.trim(), managerPart(needsManager, managerPin, cardRef.current));
    setBusy(false);
    if (res.ok) return;
    // Worded by code; a code this screen does not know yet still says what to do, in the cashier's language.
    const next = afterRefusal(res.code, needsManager, (key) => i18n.exists(key));
    setNeedsManager(next.needsManager);
    // A PIN or card is never kept on screen after a try.
    setManagerPin('');
    cardRef.current = null;
    setManagerCard(null);
    setError(t(next.errorKey));
  };

  // A manager card read while the form asks for the manager: it confirms at once when the form is filled in.
  const seenScan = useRef(scanned?.seq ?? 0);
  const submitCard = useRef(false);
  useEffect(() => {
    if (!scanned || scanned.seq === seenScan.current) return;
    seenScan.current = scanned.seq;
    const card = managerCardDigits(scanned.text);
    if (!card || busy) return;
    cardRef.current = card;
    setManagerCard(card);
    setNeedsManager(true);
    submitCard.current = true;
  }, [scanned, busy]);
  // Once the card is on screen (the PIN field no longer required): send it, if the rest is filled in.
  useEffect(() => {
    if (!managerCard || !submitCard.current) return;
    submitCard.current = false;
    if (form.current?.checkValidity()) form.current.requestSubmit();
  }, [managerCard]);

  const change = current ? serverChange(current.serverUrl, serverUrl) : null;
  return (
    <section className="setup" aria-labelledby="setup-title">
      <h2 id="setup-title">{t(current ? 'setup.reenrolTitle' : 'setup.title')}</h2>
      {reason && (
        <p role="alert" className="warn">
          {reason}
        </p>
      )}
      <p>{t(current ? 'setup.reenrolHint' : 'setup.hint')}</p>
      {current && change && (
        <dl className="setup-change">
          <dt>{t('setup.currentServer')}</dt>
          <dd data-testid="setup-old-server">{t('setup.currentWhere', { server: change.from, terminal: current.terminalName, store: current.storeName })}</dd>
          <dt>{t('setup.newServer')}</dt>
          <dd data-testid="setup-new-server">{change.to}</dd>
        </dl>
      )}
      <form ref={form} onSubmit={submit} className="setup-form">
        <label htmlFor="setup-server">{t('setup.server')}</label>
        <input id="setup-server" value={serverUrl} onChange={(e) => setServerUrl(e.target.value)} required type="url" />
        <label htmlFor="setup-code">{t('setup.code')}</label>
        <input id="setup-code" value={code} onChange={(e) => setCode(e.target.value)} required autoFocus autoComplete="off" placeholder="ABCDE-23456" />
        <label htmlFor="setup-name">{t('setup.name')}</label>
        <input id="setup-name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
        {needsManager && (
          <>
            {!current && <p className="setup-manager-hint">{t('setup.managerHint')}</p>}
            <label htmlFor="setup-manager-pin">{t(current ? 'setup.managerPinOrCard' : 'setup.managerPin')}</label>
            <input
              id="setup-manager-pin"
              type="password"
              inputMode="numeric"
              autoComplete="off"
              pattern={MANAGER_PIN_PATTERN}
              title={t('setup.managerPinFormat')}
              required={managerCard === null}
              autoFocus={!current}
              value={managerPin}
              onChange={(e) => setManagerPin(e.target.value)}
            />
            {managerCard && (
              <p role="status" className="setup-manager-card">
                {t('setup.managerCardRead')}
              </p>
            )}
          </>
        )}
        <div className="row">
          <button type="submit" disabled={busy}>
            {t(current ? 'setup.confirmReenrol' : 'setup.submit')}
          </button>
          {onCancel && (
            <button type="button" className="secondary" onClick={onCancel}>
              {t('setup.cancel')}
            </button>
          )}
        </div>
      </form>
      {error && (
        <p role="alert" className="warn">
          {t('setup.failed', { message: error })}
        </p>
      )}
    </section>
  );
}
