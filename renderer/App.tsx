import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { classifyCard, parseTracks } from '../core/cardTracks';
import { identify } from '../core/identify';
import { recordRegistrationOffered } from '../sync/client/cashiers';
import type { FindResult } from '../sync/client/findCustomer';
import { registerCustomer, welcomeFor, type RegistrationForm as RegistrationFormData } from '../sync/client/registration';
import type { LocalCustomer } from '../sync/client/tillDb';
import { CameraPanel } from './components/CameraPanel';
import { CashierSignIn } from './components/CashierSignIn';
import { IdentifyPanel } from './components/IdentifyPanel';
import { SetupScreen } from './components/SetupScreen';
import { StatusBar } from './components/StatusBar';
import { SyncProgress } from './components/SyncProgress';
import { DiagnosticsScreen } from './screens/DiagnosticsScreen';
import { ManagerScreen } from './screens/ManagerScreen';
import { HistoryPanel } from './sale/HistoryPanel';
import { PaymentDialog } from './sale/PaymentDialog';
import { ReturnPanel } from './sale/ReturnPanel';
import { ReceiptSummary } from './sale/ReceiptSummary';
import { SalePanel } from './sale/SalePanel';
import { useSale } from './sale/useSale';
import { useKeyboardWedge } from './scanning/useKeyboardWedge';
import { useTill } from './useTill';

export function App() {
  const { t } = useTranslation();
  const { phase, sync, find, onDeviceEvent, enrol, devices, db, pushNow, bridge, findByBankCard, payByCard, cashier, signInCashier, signOutCashier } = useTill();
  const [diagnostics, setDiagnostics] = useState(false);
  const closeDiagnostics = useCallback(() => setDiagnostics(false), []);
  const [manager, setManager] = useState(false);
  const closeManager = useCallback(() => setManager(false), []);
  const terminal = phase.phase === 'ready' ? phase.status.terminal : null;
  // A store with cashiers: nobody sells until one has signed in (the shift's owner).
  const needsSignIn = phase.phase === 'ready' && (!cashier.loaded || (cashier.required && cashier.current === null));
  const gate = useRef({ manager, needsSignIn });
  gate.current = { manager, needsSignIn };
  const [managerScan, setManagerScan] = useState<{ text: string; seq: number } | null>(null);
  const sale = useSale(db, terminal, sync.online !== false);
  const [scanned, setScanned] = useState<{ text: string; seq: number } | null>(null);
  const [camera, setCamera] = useState(false);
  const [paying, setPaying] = useState(false);
  const [saleSeq, setSaleSeq] = useState(0);
  // A checkout the till could not save closes the payment dialog, which would hide the alert saying why.
  useEffect(() => {
    if (sale.error?.kind === 'storage') setPaying(false);
  }, [sale.error]);
  const [notice, setNotice] = useState<string | null>(null);
  const [mode, setMode] = useState<'sale' | 'return' | 'history'>('sale');
  const [returnOf, setReturnOf] = useState<{ no: string; seq: number } | null>(null);
  const openReturn = useCallback((no: string) => {
    setReturnOf((r) => ({ no, seq: (r?.seq ?? 0) + 1 }));
    setMode('return');
  }, []);

  useEffect(() => {
    if (sync.catalogueAt) void sale.reloadCatalogue();
  }, [sync.catalogueAt]); // eslint-disable-line react-hooks/exhaustive-deps

  // A scan does what fits: a product goes into the basket, a card or phone finds the customer.
  const addProduct = useRef(sale.addByCode);
  addProduct.current = sale.addByCode;
  const cardPrefix = terminal?.cardPrefix;
  const accept = useCallback(
    (text: string) => {
      // The manager screen takes a scan as a manager card; the sign-in screen takes none.
      if (gate.current.manager) return setManagerScan((s) => ({ text, seq: (s?.seq ?? 0) + 1 }));
      if (gate.current.needsSignIn) return;
      setNotice(null);
      const what = identify(text, { cardPrefix });
      if (what.kind === 'product') {
        setMode('sale');
        void addProduct.current(what.gtin);
        return;
      }
      if (what.kind === 'receipt') return openReturn(what.receiptNo);
      setScanned((s) => ({ text, seq: (s?.seq ?? 0) + 1 }));
    },
    [cardPrefix, openReturn],
  );
  // A keyboard-wedge card reader types the stripe's tracks: take the loyalty number out,
  // and never let a bank card's number reach a field or the screen.
  const acceptWedge = useCallback(
    (text: string) => {
      if (!/^[%;]/.test(text)) return accept(text);
      const read = classifyCard(parseTracks(text));
      if (read.kind === 'loyalty') accept(read.cardNumber);
      else setNotice(read.kind === 'bank' ? t('card.bankNotLoyalty') : t('card.unreadable'));
    },
    [accept, t],
  );
  const closeCamera = useCallback(() => setCamera(false), []);
  const cameraScan = useCallback((scan: { text: string }) => accept(scan.text), [accept]);
  useKeyboardWedge(acceptWedge);
  useEffect(
    () =>
      onDeviceEvent((e) => {
        if (e.kind === 'scan') accept(e.text);
        if (e.kind === 'card' && e.cardKind === 'loyalty') accept(e.cardNumber);
      }),
    [onDeviceEvent, accept],
  );
  const canPay = sale.priced !== null && !paying;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'F11') {
        e.preventDefault();
        setManager((m) => !m);
      } else if (e.key === 'F12') {
        e.preventDefault();
        setDiagnostics((d) => !d);
      } else if (e.key === 'F6') {
        e.preventDefault();
        void signOutCashier();
      } else if (e.key === 'F8') {
        e.preventDefault();
        setCamera((c) => !c);
      } else if (e.key === 'F1' || e.key === 'F3' || e.key === 'F4') {
        e.preventDefault();
        setMode(e.key === 'F1' ? 'sale' : e.key === 'F3' ? 'return' : 'history');
      } else if (e.key === 'F9' && canPay) {
        e.preventDefault();
        setPaying(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [canPay, signOutCashier]);

  const pay = useCallback(
    async (tendered: number) => {
      const done = await sale.payCash(tendered);
      if (done) {
        pushNow();
        setPaying(false);
        setSaleSeq((n) => n + 1);
      }
    },
    [sale, pushNow],
  );
  const cancelPay = useCallback(() => setPaying(false), []);
  const payCard = useCallback(async (): Promise<string | null> => {
    const done = await sale.payCard(payByCard, findByBankCard);
    if (!done) return t('pay.notPaid');
    if ('declined' in done) return done.declined;
    pushNow();
    setPaying(false);
    setSaleSeq((n) => n + 1);
    return null;
  }, [sale, payByCard, findByBankCard, pushNow, t]);
  const linkCard = useCallback(
    async (offer: Parameters<typeof sale.linkCard>[0]) => {
      await sale.linkCard(offer);
      pushNow();
    },
    [sale, pushNow],
  );

  const registrationContext = useMemo(
    () =>
      terminal && sale.catalogue
        ? { storeId: terminal.storeId, regionId: terminal.regionId ?? 'none', timeZone: terminal.storeTimeZone, lookupSecret: terminal.lookupSecret, ...sale.catalogue }
        : null,
    [terminal, sale.catalogue],
  );
  const welcome = useMemo(() => (registrationContext ? welcomeFor(registrationContext, new Date()).amount : null), [registrationContext]);
  const register = useCallback(
    async (form: RegistrationFormData): Promise<{ ok: true; customer: LocalCustomer } | { ok: false; message: string }> => {
      if (!db || !registrationContext) return { ok: false, message: t('sale.noCatalogue') };
      try {
        const { customer: c } = await registerCustomer(db, registrationContext, form);
        pushNow();
        return { ok: true, customer: { id: c.id, firstName: c.firstName, maskedPhone: c.maskedPhone, tier: c.tier, balance: c.balance, pending: c.pending, keys: [], birthday: c.birthday ?? null } };
      } catch (err) {
        return { ok: false, message: t('register.failed', { message: err instanceof Error ? err.message : String(err) }) };
      }
    },
    [db, registrationContext, pushNow, t],
  );
  const nextSale = useCallback(() => sale.dismissReceipt(), [sale]);

  // The register choice shows for a customer nobody could find: count it, once per sale.
  const offeredIn = useRef<number | null>(null);
  const findAndCount = useCallback(
    async (text: string): Promise<FindResult | null> => {
      const result = await find(text);
      if (result?.kind === 'notFound' && db && offeredIn.current !== saleSeq) {
        offeredIn.current = saleSeq;
        void recordRegistrationOffered(db, result.via).then(pushNow, () => undefined);
      }
      return result;
    },
    [find, db, saleSeq, pushNow],
  );

  return (
    <div className="app">
      <header className="top">
        <h1>{t('app.title')}</h1>
        {cashier.current && (
          <div className="row shift">
            <span>{t('cashier.current', { name: cashier.current.name })}</span>
            <button type="button" className="secondary small" onClick={() => void signOutCashier()}>{t('cashier.change')}</button>
          </div>
        )}
      </header>
      <main>
        {diagnostics ? (
          <DiagnosticsScreen bridge={bridge} db={db} sync={sync} onClose={closeDiagnostics} />
        ) : manager && phase.phase === 'ready' ? (
          <ManagerScreen bridge={bridge} onClose={closeManager} scanned={managerScan} db={db} timeZone={terminal?.storeTimeZone ?? 'Europe/Moscow'} />
        ) : (
        <>
        {phase.phase === 'starting' && <p aria-busy="true">…</p>}
        {phase.phase === 'hostError' && <p role="alert" className="warn">{phase.message}</p>}
        {phase.phase === 'notEnrolled' && (
          <SetupScreen defaultServerUrl={phase.status.serverUrl} reason={phase.revoked ? t('setup.revoked') : null} enrol={enrol} />
        )}
        {phase.phase === 'ready' && needsSignIn && (
          <>
            <SyncProgress sync={sync} />
            {cashier.loaded && <CashierSignIn signIn={signInCashier} />}
          </>
        )}
        {phase.phase === 'ready' && !needsSignIn && (
          <>
            <SyncProgress sync={sync} />
            {notice && <p role="alert" className="warn">{notice}</p>}
            <div className="columns">
              <div className="col-sale">
                <nav className="row modes" aria-label={t('modes.label')}>
                  {(['sale', 'return', 'history'] as const).map((m) => (
                    <button key={m} type="button" className={mode === m ? '' : 'secondary'} aria-pressed={mode === m} onClick={() => setMode(m)}>
                      {t(`modes.${m}`)}
                    </button>
                  ))}
                </nav>
                {mode === 'return' && db ? (
                  <ReturnPanel key={returnOf?.seq ?? 0} db={db} receiptNo={returnOf?.no ?? null} onDone={pushNow} />
                ) : mode === 'history' && db ? (
                  <HistoryPanel db={db} onReturn={openReturn} />
                ) : sale.receipt ? (
                  <ReceiptSummary receipt={sale.receipt} onNext={nextSale} onLink={(o) => void linkCard(o)} />
                ) : (
                  <SalePanel
                    items={sale.items}
                    priced={sale.priced}
                    hasCustomer={sale.customer !== null}
                    redeem={sale.redeem}
                    error={sale.error}
                    ready={sale.ready}
                    onAdd={sale.addByCode}
                    onQuantity={sale.changeQuantity}
                    onRedeem={sale.setRedeem}
                    onPay={() => setPaying(true)}
                  />
                )}
              </div>
              <div className="col-customer">
                <IdentifyPanel
                  key={saleSeq}
                  find={findAndCount}
                  scanned={scanned}
                  onCustomer={sale.chooseCustomer}
                  available={sale.available}
                  register={register}
                  welcomeBonus={welcome}
                  cardPrefix={terminal?.cardPrefix ?? '27'}
                  panel={sale.panel}
                />
                <div className="row tools">
                  <button type="button" className="secondary" aria-pressed={camera} onClick={() => setCamera((c) => !c)}>
                    {t('camera.open')}
                  </button>
                </div>
                {camera && <CameraPanel onScan={cameraScan} onClose={closeCamera} />}
              </div>
            </div>
            {paying && sale.priced && <PaymentDialog payable={sale.priced.totals.payable} onPay={pay} onCard={payCard} onCancel={cancelPay} />}
          </>
        )}
        </>
        )}
      </main>
      <StatusBar sync={sync} store={terminal?.storeName ?? null} terminal={terminal?.terminalName ?? null} devices={devices} onDiagnostics={() => setDiagnostics(true)} onManager={() => setManager(true)} />
    </div>
  );
}
