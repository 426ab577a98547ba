import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { SignInResult } from '../../sync/client/cashiers';

/**
 * Shift start: personnel number, Enter, PIN, Enter. Checked on this till against the store's
 * cashier list, so it works with the server away.
 */
export function CashierSignIn({ signIn }: { signIn: (personnelNo: string, pin: string) => Promise<SignInResult | null> }) {
  const { t } = useTranslation();
  const [number, setNumber] = useState('');
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!number) return;
    if (!pin) {
      document.getElementById('cashier-pin')?.focus();
      return;
    }
    setBusy(true);
    const res = await signIn(number, pin);
    setBusy(false);
    setPin('');
    if (!res || res.ok) return setError(null);
    setError(
      res.reason === 'locked'
        ? t('cashier.locked', { minutes: Math.max(1, Math.ceil(res.retryInMs / 60_000)) })
        : t('cashier.wrong', { count: res.attemptsLeft }),
    );
    document.getElementById('cashier-pin')?.focus();
  };

  return (
    <section className="setup" aria-label={t('cashier.title')}>
      <h2>{t('cashier.title')}</h2>
      <form onSubmit={submit} className="setup-form">
        <label htmlFor="cashier-number">{t('cashier.number')}</label>
        <input
          id="cashier-number"
          inputMode="numeric"
          autoComplete="off"
          autoFocus
          value={number}
          onChange={(e) => setNumber(e.target.value.replace(/\D/g, '').slice(0, 12))}
        />
        <label htmlFor="cashier-pin">{t('cashier.pin')}</label>
        <input
          id="cashier-pin"
          type="password"
          inputMode="numeric"
          autoComplete="off"
          value={pin}
          onChange={(e) => setPin(e.target.value.replace(/\D/g, '').slice(0, 8))}
        />
        <button type="submit" disabled={busy}>
          {t('cashier.signIn')}
        </button>
      </form>
      {error && (
        <p role="alert" className="warn">
          {error}
        </p>
      )}
    </section>
  );
}
