import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { formatRoubles } from '../../core/money';
import { formatPhoneField } from '../../core/phoneInput';
import type { ConsentChannel } from '../../sync/protocol/events';
import type { RegistrationForm as Form } from '../../sync/client/registration';
import type { RegistrationField, RegistrationProblems } from '../../sync/client/registrationCheck';
import { localeOf } from '../i18n';

const CHANNELS: ConsentChannel[] = ['sms', 'email', 'push', 'messenger'];

export interface RegistrationFormProps {
  /** What the cashier tried before: a phone to start from. */
  initialPhone?: string | undefined;
  /** A loyalty card scanned while the form is open (a new card; the session refuses known ones). */
  scannedCard: { card: string; seq: number } | null;
  cardPrefix: string;
  welcomeBonus: number | null;
  onSubmit: (form: Form) => Promise<{ ok: true } | { ok: false; problems: RegistrationProblems }>;
  onCancel: () => void;
}

/** A new customer at the till: contact, then consent as its own required step, never pre-ticked. */
export function RegistrationForm(p: RegistrationFormProps) {
  const { t, i18n } = useTranslation();
  const [firstName, setFirstName] = useState('');
  const [phone, setPhone] = useState(p.initialPhone ? formatPhoneField(p.initialPhone) : '');
  const [email, setEmail] = useState('');
  const [birthday, setBirthday] = useState('');
  const [card, setCard] = useState(p.scannedCard?.card ?? '');
  const [referrer, setReferrer] = useState('');
  const [consent, setConsent] = useState(false);
  const [marketing, setMarketing] = useState<Partial<Record<ConsentChannel, boolean>>>({});
  const [problems, setProblems] = useState<RegistrationProblems>({});
  const [busy, setBusy] = useState(false);
  const scannedSeq = p.scannedCard?.seq;
  const scannedCard = p.scannedCard?.card;
  useEffect(() => {
    if (scannedCard) setCard(scannedCard);
  }, [scannedSeq, scannedCard]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    const res = await p.onSubmit({
      firstName,
      phone,
      email: email.trim() || undefined,
      birthday: birthday || undefined,
      cardNumber: card || undefined,
      referrerCard: referrer || undefined,
      personalDataConsent: consent,
      marketing,
    });
    setBusy(false);
    setProblems(res.ok ? {} : res.problems);
  };
  const problem = (field: RegistrationField) =>
    problems[field] ? (
      <p role="alert" className="warn field-problem" id={`reg-${field}-problem`}>
        {t(problems[field]!)}
      </p>
    ) : null;

  return (
    <form className="register" onSubmit={submit} aria-label={t('register.title')} noValidate>
      <h2>{t('register.title')}</h2>
      <fieldset>
        <legend>{t('register.contact')}</legend>
        <label htmlFor="reg-name">{t('register.firstName')}</label>
        <input
          id="reg-name"
          value={firstName}
          onChange={(e) => setFirstName(e.target.value)}
          autoFocus
          autoComplete="off"
          maxLength={100}
          aria-invalid={!!problems.firstName}
        />
        {problem('firstName')}
        <label htmlFor="reg-phone">{t('register.phone')}</label>
        <input
          id="reg-phone"
          value={phone}
          onChange={(e) => setPhone(formatPhoneField(e.target.value))}
          inputMode="tel"
          autoComplete="off"
          placeholder="+7 916 123-45-67"
          aria-invalid={!!problems.phone}
        />
        {problem('phone')}
        <label htmlFor="reg-email">{t('register.email')}</label>
        <input
          id="reg-email"
          type="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          autoComplete="off"
          maxLength={254}
          aria-invalid={!!problems.email}
        />
        {problem('email')}
        <label htmlFor="reg-birthday">{t('register.birthday')}</label>
        <input
          id="reg-birthday"
          type="date"
          value={birthday}
          min="1900-01-01"
          onChange={(e) => setBirthday(e.target.value)}
          aria-invalid={!!problems.birthday}
        />
        {problem('birthday')}
        <label htmlFor="reg-card">{t('register.card')}</label>
        <input
          id="reg-card"
          value={card}
          onChange={(e) => setCard(e.target.value.replace(/\D/g, '').slice(0, 19))}
          inputMode="numeric"
          autoComplete="off"
          placeholder={t('register.virtualCard')}
          aria-invalid={!!problems.cardNumber}
        />
        {problem('cardNumber')}
        <label htmlFor="reg-referrer">{t('register.referrer')}</label>
        <input
          id="reg-referrer"
          value={referrer}
          onChange={(e) => setReferrer(e.target.value.replace(/\D/g, '').slice(0, 19))}
          inputMode="numeric"
          autoComplete="off"
          placeholder={t('register.referrerHint')}
        />
      </fieldset>
      <fieldset>
        <legend>{t('register.consents')}</legend>
        <label className="check">
          <input
            type="checkbox"
            checked={consent}
            onChange={(e) => {
              setConsent(e.target.checked);
              setProblems(({ consent: _c, ...rest }) => rest);
            }}
          />
          {t('register.personalData')}
        </label>
        {problem('consent')}
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
      <div className="row">
        <button type="submit" disabled={busy}>
          {t('register.submit')}
        </button>
        <button type="button" className="secondary" onClick={p.onCancel}>
          {t('register.cancel')}
        </button>
      </div>
    </form>
  );
}
