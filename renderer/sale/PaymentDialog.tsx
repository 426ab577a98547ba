import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { parseReceiptContact } from '../../core/fiscal/receiptContact';
import { formatRoubles, parseRoubles } from '../../core/money';
import { localeOf } from '../i18n';
import { useSession, useTillState } from '../session/useTillSession';
import { declineText } from './declineReason';

/**
 * The payment: cash tendered and change, or the card terminal (F10). While the terminal works
 * the dialog is the whole till: scans are refused and the amount cannot change (the session
 * guarantees it, this only shows it). Esc and F10 come through the session's keymap.
 */
export function PaymentDialog() {
  const { t, i18n } = useTranslation();
  const session = useSession();
  const { mode, sale, notice } = useTillState();
  // Only what is said while the dialog is open: an older notice belongs to the sale screen.
  const [openedAt] = useState(() => notice?.seq ?? -1);
  const said = notice && notice.seq > openedAt ? notice : null;
  const payable = sale.priced?.totals.payable ?? 0;
  // What is left for money once gift certificates paid their parts.
  const parts = sale.certificates?.parts ?? [];
  const due = Math.max(0, payable - parts.reduce((s, p) => s + p.amountKopecks, 0));
  const money = (k: number) => formatRoubles(k, localeOf(i18n.language));
  // Pre-filled the way the cashier would type it in this language ("12,50" in Russian, "12.50" in English).
  const typed = (k: number) => (k / 100).toFixed(2).replace('.', i18n.language === 'en' ? '.' : ',');
  const [text, setText] = useState(() => typed(due));
  const [certificateCode, setCertificateCode] = useState('');
  const takeCertificate = async () => {
    if (!certificateCode.trim()) return;
    if (await session.payWithCertificate(certificateCode)) {
      setCertificateCode('');
      // The cash field follows what is left to pay.
      const after = session.getState().sale;
      const left = Math.max(0, (after.priced?.totals.payable ?? 0) - (after.certificates?.parts ?? []).reduce((s, p) => s + p.amountKopecks, 0));
      setText(typed(left));
    }
  };
  const [problem, setProblem] = useState<string | null>(null);
  // Reopened after Esc: the field shows the contact the sale still holds, so what is sent is what is seen.
  const [contactText, setContactText] = useState(() => sale.receiptContact ?? '');
  const contact = parseReceiptContact(contactText);
  const changeContact = (text: string) => {
    setContactText(text);
    const read = parseReceiptContact(text);
    session.setReceiptContact(read.ok ? read.contact : null);
  };
  const input = useRef<HTMLInputElement>(null);
  // Paid, waiting for its fiscal document: only "retry" means anything now.
  const fiscalising = sale.fiscal !== null;
  const card = mode === 'payingCard' || fiscalising;
  // Paying by card (or a card sale waiting for its fiscal receipt): the title says so, not "cash".
  const title = mode === 'payingCard' || sale.fiscal?.event.payment.method === 'card' ? t('pay.titleCard') : t('pay.title');
  const tendered = parseRoubles(text);
  const enough = tendered !== null && tendered >= due;
  useEffect(() => {
    input.current?.select();
  }, []);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (fiscalising) return void session.retryFiscal();
    if (card) return;
    if (tendered === null) return setProblem(t('pay.notANumber'));
    if (!contact.ok) return setProblem(t('pay.badContact'));
    if (!enough) return setProblem(t('pay.notEnough'));
    setProblem(null);
    await session.payCash(tendered);
  };
  return (
    <div role="dialog" aria-modal="true" aria-label={title} className="dialog">
      <form onSubmit={submit}>
        <h2>{title}</h2>
        <p>
          {t('pay.payable')}: <strong>{money(payable)}</strong>
        </p>
        {parts.length > 0 && (
          <>
            <ul aria-label={t('certificate.parts')} className="certificate-parts">
              {parts.map((p) => (
                <li key={p.moveId}>{t('certificate.part', { code: p.code, amount: money(p.amountKopecks), balance: money(p.balanceAfterKopecks) })}</li>
              ))}
            </ul>
            <p>
              <strong>{t('certificate.moneyDue', { amount: money(due) })}</strong>
            </p>
          </>
        )}
        {!card && (
          <div className="row">
            <label htmlFor="certificate-pay">{t('certificate.payLabel')}</label>
            <input
              id="certificate-pay"
              value={certificateCode}
              onChange={(e) => setCertificateCode(e.target.value)}
              onKeyDown={(e) => {
                // Enter in this field takes the certificate; it never pays the receipt.
                if (e.key === 'Enter') {
                  e.preventDefault();
                  void takeCertificate();
                }
              }}
              autoComplete="off"
              spellCheck={false}
            />
            <button type="button" className="secondary" onClick={() => void takeCertificate()}>
              {t('certificate.pay')}
            </button>
          </div>
        )}
        <label htmlFor="cash-tendered">{t('pay.tendered')}</label>
        <input id="cash-tendered" ref={input} value={text} onChange={(e) => setText(e.target.value)} inputMode="decimal" autoComplete="off" disabled={card} />
        <label htmlFor="receipt-contact">{t('pay.contact')}</label>
        <input
          id="receipt-contact"
          value={contactText}
          onChange={(e) => changeContact(e.target.value)}
          autoComplete="off"
          disabled={card}
          aria-invalid={!contact.ok}
        />
        {!contact.ok && <p className="warn">{t('pay.badContact')}</p>}
        <p aria-live="polite">
          {tendered !== null && enough ? t('pay.change', { change: money(tendered - due) }) : tendered === null ? t('pay.notANumber') : t('pay.notEnough')}
        </p>
        {mode === 'payingCard' && !fiscalising && !sale.unresolvedPayment && <p aria-live="polite">{t('pay.waitingTerminal')}</p>}
        {fiscalising && sale.fiscalError === null && <p aria-live="polite">{t('fiscal.printing')}</p>}
        {fiscalising && sale.fiscalError !== null && (
          <div role="alert" className="warn">
            <p>{t('fiscal.blocked', { reason: t(`fiscal.errors.${sale.fiscalError}`, { defaultValue: sale.fiscalError }) })}</p>
            <div className="row">
              <button type="submit">{t('fiscal.retry')}</button>
              {sale.fiscalError === 'shiftExpired' && (
                <button type="button" className="secondary" onClick={() => void session.fiscalShift('closeShift')}>
                  {t('fiscal.closeShiftAndRetry')}
                </button>
              )}
            </div>
          </div>
        )}
        {sale.unresolvedPayment && (
          <div role="alert" className="warn">
            <p>{t('pay.unknownOutcome', { amount: money(sale.payment?.amountKopecks ?? payable) })}</p>
            <div className="row">
              <button type="button" onClick={() => void session.resolveUnknownPayment(true)}>
                {t('pay.slipApproved')}
              </button>
              <button type="button" className="secondary" onClick={() => void session.resolveUnknownPayment(false)}>
                {t('pay.slipNotCharged')}
              </button>
            </div>
          </div>
        )}
        {sale.cardDecline !== null && (
          <p role="alert" className="warn">
            {t('pay.declined', { reason: declineText(sale.cardDecline, t) })}
          </p>
        )}
        {problem && (
          <p role="alert" className="warn">
            {problem}
          </p>
        )}
        {/* A scan refused while paying, a certificate taken or refused: said here, where the cashier looks. */}
        {said && (
          <p role={said.tone === 'warn' ? 'alert' : 'status'} className={said.tone === 'warn' ? 'warn' : 'sync-done'} key={said.seq}>
            {t(said.key, said.params)}
          </p>
        )}
        <div className="row">
          <button type="submit" disabled={card}>
            {t('pay.confirm')}
          </button>
          <button type="button" disabled={card} onClick={() => void session.payCard()}>
            {t('pay.card')}
          </button>
          <button type="button" className="secondary" disabled={card} onClick={() => void session.cancelPay()}>
            {t('pay.cancel')}
          </button>
        </div>
      </form>
    </div>
  );
}
