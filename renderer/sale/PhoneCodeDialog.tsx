import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession, useTillState } from '../session/useTillSession';

/**
 * The SMS code the customer reads out (issue 13): to spend bonuses of a customer found by a typed
 * phone, or to register a phone another customer has. Keyboard first: the field has the focus,
 * Enter checks (a second Enter while checking does nothing), Esc cancels; a card scanned instead
 * identifies the customer by card and closes the dialog.
 */
export function PhoneCodeDialog() {
  const { t } = useTranslation();
  const session = useSession();
  const { phoneCode: view, sale } = useTillState();
  const [code, setCode] = useState('');
  const [now, setNow] = useState(() => Date.now());
  const input = useRef<HTMLInputElement>(null);
  const seq = view?.seq;
  useEffect(() => {
    setCode('');
    input.current?.focus();
  }, [seq]);
  useEffect(() => {
    if (view?.stage === 'entering') input.current?.focus();
  }, [view?.stage, view?.error]);
  // "Send again" opens after the server's wait; one tick a second while it is closed.
  const resendAt = view?.resendAt ?? 0;
  useEffect(() => {
    if (now >= resendAt) return;
    const timer = setTimeout(() => setNow(Date.now()), 1000);
    return () => clearTimeout(timer);
  }, [now, resendAt]);
  // A spend's customer changed (a card scan, another lookup): the code is not needed any more.
  const customer = sale.customer;
  const purpose = view?.purpose;
  useEffect(() => {
    if (purpose === 'spend' && (!customer || customer.via !== 'phone' || customer.confirmation)) session.phoneCode.cancelQuietly();
  }, [purpose, customer, session]);
  if (!view) return null;
  const busy = view.stage !== 'entering';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!busy) void session.phoneCode.submit(code.trim());
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      session.phoneCode.cancel();
    }
  };
  const wait = Math.max(0, Math.ceil((view.resendAt - now) / 1000));
  const title = view.purpose === 'spend' ? t('phoneCode.titleSpend') : t('phoneCode.titleRegister');
  return (
    <div role="dialog" aria-modal="true" aria-label={title} className="dialog" onKeyDown={onKey}>
      <form onSubmit={submit}>
        <h2>{title}</h2>
        <p>{t('phoneCode.sentTo', { phone: view.maskedPhone })}</p>
        {view.purpose === 'register' && <p>{t('phoneCode.registerHint')}</p>}
        <label htmlFor="phone-code">{t('phoneCode.code')}</label>
        <input
          id="phone-code"
          ref={input}
          value={code}
          onChange={(e) => setCode(e.target.value.replace(/\D/g, '').slice(0, 6))}
          inputMode="numeric"
          autoComplete="one-time-code"
          aria-invalid={view.error !== null}
          readOnly={busy}
        />
        {view.stage === 'checking' && <p aria-live="polite">{t('phoneCode.checking')}</p>}
        {view.stage === 'sending' && <p aria-live="polite">{t('phoneCode.sending')}</p>}
        {view.error && (
          <p role="alert" className="warn">
            {t(view.error)} {view.error === 'phoneCode.errors.phone_code_wrong' && t('phoneCode.attemptsLeft', { count: view.attemptsLeft })}
          </p>
        )}
        <div className="row">
          <button type="submit" disabled={busy}>
            {t('phoneCode.check')}
          </button>
          <button type="button" className="secondary" disabled={busy || wait > 0} onClick={() => void session.phoneCode.resend()}>
            {wait > 0 ? `${t('phoneCode.resend')} (${wait})` : t('phoneCode.resend')}
          </button>
          <button type="button" className="secondary" onClick={() => session.phoneCode.cancel()}>
            {t('phoneCode.cancel')}
          </button>
        </div>
      </form>
    </div>
  );
}
