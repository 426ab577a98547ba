import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { identify } from '../../core/identify';
import { formatRoubles } from '../../core/money';
import { formatPhoneAsTyped, normalisePhone } from '../../core/phone';
import type { ConsentChannel } from '../../sync/protocol/events';
import type { RegistrationForm as Form } from '../../sync/client/registration';
import { localeOf } from '../i18n';

const CHANNELS: ConsentChannel[] = ['sms', 'email', 'push', 'messenger'];

export interface RegistrationFormProps {
  /** What the cashier tried before: a phone or a card number to start from. */
  initialPhone?: string;
  initialCard?: string;
  cardPrefix: string;
  welcomeBonus: number | null;
  onSubmit: (form: Form) => Promise<{ ok: true } | { ok: false; message: string }>;
  onCancel: () => void;
}

/** A new customer at the till: contact, then consent as its own required step, never pre-ticked. */
export function RegistrationForm(p: RegistrationFormProps) {
  const { t, i18n } = useTranslation();
  const [firstName, setFirstName] = useState('');
  const [phone, setPhone] = useState(p.initialPhone ? formatPhoneAsTyped(p.initialPhone) : '+7 ');
  const [email, setEmail] = useState('');
  const [birthday, setBirthday] = useState('');
  const [card, setCard] = useState(p.initialCard ?? '');
  const [consent, setConsent] = useState(false);
  const [marketing, setMarketing] = useState<Partial<Record<ConsentChannel, boolean>>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const normalised = normalisePhone(phone);
    if (!firstName.trim()) return setError(t('register.needName'));
    if (!normalised.ok) return setError(t('register.badPhone'));
    if (card && identify(card, { cardPrefix: p.cardPrefix }).kind !== 'loyaltyCard') return setError(t('register.badCard'));
    if (!consent) return setError(t('register.needConsent'));
    setBusy(true);
    const res = await p.onSubmit({
      firstName, phone: normalised.e164, email: email || undefined, birthday: birthday || undefined, cardNumber: card || undefined,
      personalDataConsent: consent, marketing,
    });
    setBusy(false);
    if (!res.ok) setError(res.message);
  };

  return (
    <form className="register" onSubmit={submit} aria-label={t('register.title')} noValidate>
      <h2>{t('register.title')}</h2>
      <fieldset>
        <legend>{t('register.contact')}</legend>
        <label htmlFor="reg-name">{t('register.firstName')}</label>
        <input id="reg-name" value={firstName} onChange={(e) => setFirstName(e.target.value)} autoFocus autoComplete="off" maxLength={100} />
        <label htmlFor="reg-phone">{t('register.phone')}</label>
        <input id="reg-phone" value={phone} onChange={(e) => setPhone(formatPhoneAsTyped(e.target.value))} inputMode="tel" autoComplete="off" />
        <label htmlFor="reg-email">{t('register.email')}</label>
        <input id="reg-email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="off" />
        <label htmlFor="reg-birthday">{t('register.birthday')}</label>
        <input id="reg-birthday" type="date" value={birthday} onChange={(e) => setBirthday(e.target.value)} />
        <label htmlFor="reg-card">{t('register.card')}</label>
        <input id="reg-card" value={card} onChange={(e) => setCard(e.target.value.replace(/\D/g, ''))} inputMode="numeric" autoComplete="off" placeholder={t('register.virtualCard')} />
      </fieldset>
      <fieldset>
        <legend>{t('register.consents')}</legend>
        <label className="check">
          <input type="checkbox" checked={consent} onChange={(e) => { setConsent(e.target.checked); setError(null); }} />
          {t('register.personalData')}
        </label>
        <p className="hint">{t('register.marketingHint')}</p>
        {CHANNELS.map((c) => (
          <label className="check" key={c}>
            <input type="checkbox" checked={marketing[c] ?? false} onChange={(e) => setMarketing((m) => ({ ...m, [c]: e.target.checked }))} />
            {t(`register.channel.${c}`)}
          </label>
        ))}
      </fieldset>
      {p.welcomeBonus !== null && p.welcomeBonus > 0 && (
        <p className="sync-done">{t('register.welcome', { amount: formatRoubles(p.welcomeBonus, localeOf(i18n.language)) })}</p>
      )}
      {error && <p role="alert" className="warn">{error}</p>}
      <div className="row">
        <button type="submit" disabled={busy}>{t('register.submit')}</button>
        <button type="button" className="secondary" onClick={p.onCancel}>{t('register.cancel')}</button>
      </div>
    </form>
  );
}
