import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { FindResult } from '../../sync/client/findCustomer';
import { useSession, useTillState } from '../session/useTillSession';
import { CustomerCard } from './CustomerCard';
import { CouponForm } from '../sale/CouponForm';
import { RegistrationForm } from './RegistrationForm';

/**
 * The customer side of the sale: the field for a card or phone, the customer found (as the
 * session holds it, so it survives F11, F12 and a reload), or the registration form.
 */
export function IdentifyPanel() {
  const { t } = useTranslation();
  const session = useSession();
  const state = useTillState();
  const { sale } = state;
  const [text, setText] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const focus = state.focus;
  useEffect(() => {
    if (focus?.target === 'identify') {
      input.current?.focus();
      input.current?.select();
    }
  }, [focus]);
  // A scanned card shows in the field, as if typed.
  const lookupText = state.lookupText;
  useEffect(() => {
    if (lookupText) setText(lookupText.text);
  }, [lookupText]);
  // A cleared customer (Esc, a new sale) clears what was typed for them too.
  const customerId = sale.customer?.customer.id ?? null;
  useEffect(() => {
    if (customerId === null) setText('');
  }, [customerId]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void session.identify(text);
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
          <button type="submit" disabled={sale.lookupBusy}>
            {t('identify.submit')}
          </button>
        </div>
        <small className="hint">{t('identify.shortcut')}</small>
      </form>
      {state.mode === 'registering' && state.registration ? (
        <RegistrationForm
          initialPhone={state.registration.phone}
          scannedCard={state.registration.card ? { card: state.registration.card, seq: state.registration.seq } : null}
          cardPrefix={state.status?.terminal?.cardPrefix ?? '27'}
          welcomeBonus={session.welcomeBonus()}
          onCancel={() => void session.cancelRegistration()}
          onSubmit={(form) => session.register(form)}
        />
      ) : sale.customer ? (
        <>
          {sale.lookup && sale.lookup.kind !== 'notFound' && <Outcome result={sale.lookup} onRegister={() => undefined} onTryAnother={() => undefined} />}
          <CustomerCard
            customer={sale.available === null ? sale.customer.customer : { ...sale.customer.customer, balance: sale.available }}
            via={sale.customer.via}
            panel={sale.panel}
          />
          <CouponForm />
        </>
      ) : (
        <Outcome
          result={sale.lookup}
          onRegister={(q) =>
            void session.startRegistration(
              q.kind === 'phone' && q.e164 ? { phone: q.e164 } : q.kind === 'loyaltyCard' && q.cardNumber ? { card: q.cardNumber } : {},
            )
          }
          onTryAnother={() => {
            setText('');
            void session.clearCustomer();
            input.current?.focus();
          }}
        />
      )}
    </section>
  );
}

type Query = { kind: string; e164?: string; cardNumber?: string };

function Outcome({
  result,
  onTryAnother,
  onRegister,
}: {
  result: Exclude<FindResult, { kind: 'found' }> | null;
  onTryAnother: () => void;
  onRegister: (q: Query) => void;
}) {
  const { t } = useTranslation();
  if (!result) return null;
  switch (result.kind) {
    case 'notFound':
      return (
        <div role="alert" className="not-found">
          <h2>{t('identify.notFound')}</h2>
          {result.offline && <p>{t('identify.notFoundOffline')}</p>}
          <div className="row">
            <button type="button" onClick={() => onRegister(result.query as Query)}>
              {t('identify.register')}
            </button>
            <button type="button" className="secondary" onClick={onTryAnother}>
              {t('identify.tryAnother')}
            </button>
          </div>
        </div>
      );
    case 'notCustomer':
      return (
        <p role="alert" className="warn">
          {t('identify.notCustomer')}
        </p>
      );
    case 'invalid':
      return (
        <p role="alert" className="warn">
          {result.what.kind === 'unknown' && result.what.reason === 'badCheckDigit' ? t('identify.badCheckDigit') : t('identify.invalid')}
        </p>
      );
  }
}
