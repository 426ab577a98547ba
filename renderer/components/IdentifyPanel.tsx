import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { FindResult } from '../../sync/client/findCustomer';
import type { CustomerPanelInfo } from '../../sync/client/saleDraft';
import type { LocalCustomer } from '../../sync/client/tillDb';
import { CustomerCard } from './CustomerCard';
import { RegistrationForm } from './RegistrationForm';
import type { RegistrationForm as RegistrationFormData } from '../../sync/client/registration';

export interface IdentifyPanelProps {
  find: (text: string) => Promise<FindResult | null>;
  /** Text pushed in by a scanner; each new value is looked up at once. */
  scanned: { text: string; seq: number } | null;
  /** The customer found (or null when cleared), for the sale. */
  onCustomer?: (customer: LocalCustomer | null) => void;
  /** Spendable balance to show instead of the cached one (it includes this till's unsent sales). */
  available?: number | null;
  /** Register a new customer (offered when nobody is found). */
  register?: (form: RegistrationFormData) => Promise<{ ok: true; customer: LocalCustomer } | { ok: false; message: string }>;
  welcomeBonus?: number | null;
  cardPrefix?: string;
  /** Offers and birthday for the sale's customer, shown in their card. */
  panel?: CustomerPanelInfo | null;
}

export function IdentifyPanel({ find, scanned, onCustomer, available, register, welcomeBonus = null, cardPrefix = '27', panel = null }: IdentifyPanelProps) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [result, setResult] = useState<FindResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [registering, setRegistering] = useState<{ phone?: string; card?: string } | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const notify = useRef(onCustomer);
  notify.current = onCustomer;

  const lookup = async (value: string) => {
    if (!value.trim()) return;
    setBusy(true);
    try {
      const found = await find(value);
      setResult(found);
      if (found?.kind === 'found') notify.current?.(found.customer);
    } finally {
      setBusy(false);
    }
  };

  // Only scans that arrive while this panel is on screen: a new sale starts with no customer.
  const seenSeq = useRef(scanned?.seq ?? 0);
  useEffect(() => {
    if (scanned && scanned.seq !== seenSeq.current) {
      seenSeq.current = scanned.seq;
      setText(scanned.text);
      void lookup(scanned.text);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [scanned?.seq]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'F2') {
        e.preventDefault();
        input.current?.focus();
        input.current?.select();
      } else if (e.key === 'Escape') {
        setText('');
        setResult(null);
        notify.current?.(null);
        input.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void lookup(text);
  };

  return (
    <section className="identify">
      <form onSubmit={submit} className="identify-form">
        <label htmlFor="identify-input">{t('identify.label')}</label>
        <div className="row">
          <input
            id="identify-input"
            ref={input}
            autoFocus
            autoComplete="off"
            inputMode="tel"
            value={text}
            placeholder={t('identify.placeholder')}
            onChange={(e) => setText(e.target.value)}
          />
          <button type="submit" disabled={busy}>{t('identify.submit')}</button>
        </div>
        <small className="hint">{t('identify.shortcut')}</small>
      </form>
      {registering && register ? (
        <RegistrationForm
          initialPhone={registering.phone}
          initialCard={registering.card}
          cardPrefix={cardPrefix}
          welcomeBonus={welcomeBonus}
          onCancel={() => setRegistering(null)}
          onSubmit={async (form) => {
            const res = await register(form);
            if (!res.ok) return res;
            setRegistering(null);
            setResult({ kind: 'found', customer: res.customer, via: form.cardNumber ? 'card' : 'phone', source: 'cache' });
            notify.current?.(res.customer);
            return { ok: true };
          }}
        />
      ) : (
      <Outcome
        onRegister={
          register
            ? (q) => setRegistering(q.kind === 'phone' ? { phone: q.e164 } : q.kind === 'loyaltyCard' ? { card: q.cardNumber } : {})
            : undefined
        }
        result={result}
        available={available ?? null}
        panel={panel}
        onTryAnother={() => {
          setText('');
          setResult(null);
          input.current?.focus();
        }}
      />
      )}
    </section>
  );
}

function Outcome({ result, onTryAnother, available, onRegister, panel }: { result: FindResult | null; onTryAnother: () => void; available: number | null; panel: CustomerPanelInfo | null; onRegister: ((q: { kind: string; e164?: string; cardNumber?: string }) => void) | undefined }) {
  const { t } = useTranslation();
  if (!result) return null;
  switch (result.kind) {
    case 'found':
      return <CustomerCard customer={available === null ? result.customer : { ...result.customer, balance: available }} via={result.via} panel={panel} />;
    case 'notFound':
      return (
        <div role="alert" className="not-found">
          <h2>{t('identify.notFound')}</h2>
          {result.offline && <p>{t('identify.notFoundOffline')}</p>}
          <div className="row">
            {onRegister && (
              <button type="button" onClick={() => onRegister(result.query as { kind: string; e164?: string; cardNumber?: string })}>
                {t('identify.register')}
              </button>
            )}
            <button type="button" className="secondary" onClick={onTryAnother}>{t('identify.tryAnother')}</button>
          </div>
        </div>
      );
    case 'notCustomer':
      return <p role="alert" className="warn">{t('identify.notCustomer')}</p>;
    case 'invalid':
      return (
        <p role="alert" className="warn">
          {result.what.kind === 'unknown' && result.what.reason === 'badCheckDigit' ? t('identify.badCheckDigit') : t('identify.invalid')}
        </p>
      );
  }
}
