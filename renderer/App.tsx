import { useCallback, useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { CameraPanel } from './components/CameraPanel';
import { CashierSignIn } from './components/CashierSignIn';
import { IdentifyPanel } from './components/IdentifyPanel';
import { SetupScreen } from './components/SetupScreen';
import { StatusBar } from './components/StatusBar';
import { SyncProgress } from './components/SyncProgress';
import { connectHost } from './host/bridge';
import { DiagnosticsScreen } from './screens/DiagnosticsScreen';
import { ManagerScreen } from './screens/ManagerScreen';
import { RejectedScreen } from './screens/RejectedScreen';
import { DeskDialogs } from './sale/DeskDialogs';
import { publishCustomerFeed } from './customer/customerFeed';
import { HistoryPanel } from './sale/HistoryPanel';
import { PaymentDialog } from './sale/PaymentDialog';
import { MarkingPrompt } from './sale/MarkingPrompt';
import { PhoneCodeDialog } from './sale/PhoneCodeDialog';
import { CertificateForm } from './sale/CertificateForm';
import { ReceiptSummary } from './sale/ReceiptSummary';
import { ReturnPanel } from './sale/ReturnPanel';
import { SalePanel } from './sale/SalePanel';
import { useKeyboardWedge } from './scanning/useKeyboardWedge';
import { createSession } from './session/createSession';
import { SessionContext, useSession, useTillState } from './session/useTillSession';

/** The focus is in a field with text: arrows, + and − belong to it (an empty product field lends them to the basket). */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement)) return false;
  return !(target instanceof HTMLInputElement && target.id === 'product-code' && target.value === '');
}

/** The page: one till session, started once; everything below only renders it. */
export function App() {
  const bridge = useMemo(() => connectHost(), []);
  const session = useMemo(() => createSession(bridge), [bridge]);
  useEffect(() => {
    void session.start();
    return () => session.close();
  }, [session]);
  // The customer-facing display (renderer/customer) follows this page's session.
  useEffect(() => publishCustomerFeed(session.subscribe, session.getState), [session]);
  return (
    <SessionContext.Provider value={session}>
      <Till bridge={bridge} />
    </SessionContext.Provider>
  );
}

function Till({ bridge }: { bridge: ReturnType<typeof connectHost> }) {
  const { t } = useTranslation();
  const session = useSession();
  const state = useTillState();
  const { phase, mode, sale, sync, status } = state;
  const terminal = status?.terminal ?? null;
  const db = session.database;

  // The one key listener: the session's keymap decides what each key means in this mode.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.metaKey) return;
      // Combinations by physical key (Ctrl+F is the same key on a Russian layout); plain keys by meaning.
      const name = e.ctrlKey || e.altKey ? `${e.ctrlKey ? 'Ctrl+' : ''}${e.altKey ? 'Alt+' : ''}${e.code.replace(/^(Key|Digit)/, '')}` : e.key;
      if (session.key(name, { typing: isTyping(e.target) })) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [session]);
  const onWedge = useCallback((text: string) => void session.wedge(text), [session]);
  useKeyboardWedge(onWedge);
  const closeCamera = useCallback(() => session.setCamera(false), [session]);
  const cameraScan = useCallback((scan: { text: string }) => void session.scan({ kind: 'text', text: scan.text }), [session]);
  const closeOverlay = useCallback(() => void session.closeOverlay(), [session]);

  const notice = state.notice ? (
    <p role="alert" className={state.notice.tone === 'warn' ? 'warn' : 'sync-done'} key={state.notice.seq}>
      {t(state.notice.key, state.notice.params)}
    </p>
  ) : null;
  const ready = phase === 'ready';
  const selling = mode === 'selling' || mode === 'registering' || mode === 'payingCash' || mode === 'payingCard' || mode === 'returning' || mode === 'history';

  return (
    <div className="app">
      <header className="top">
        <h1>{t('app.title')}</h1>
        {state.cashier.current && (
          <div className="row shift">
            <span>{t('cashier.current', { name: state.cashier.current.name })}</span>
            <button type="button" className="secondary small" onClick={() => void session.signOut()}>
              {t('cashier.change')}
            </button>
          </div>
        )}
      </header>
      <main>
        {mode === 'diagnostics' ? (
          <DiagnosticsScreen
            bridge={bridge}
            db={db}
            sync={sync}
            onClose={closeOverlay}
            refreshSeq={state.refresh}
            reenrol={{
              current:
                terminal && status?.serverUrl ? { serverUrl: status.serverUrl, terminalName: terminal.terminalName, storeName: terminal.storeName } : null,
              scanned: state.managerScan,
              enrol: (url, code, name, manager) => session.enrol(url, code, name, manager),
            }}
          />
        ) : mode === 'manager' && ready ? (
          <>
            {notice}
            <ManagerScreen bridge={bridge} onClose={closeOverlay} scanned={state.managerScan} db={db} timeZone={terminal?.storeTimeZone ?? 'Europe/Moscow'} />
          </>
        ) : mode === 'rejected' && ready ? (
          <RejectedScreen onClose={closeOverlay} />
        ) : (
          <>
            {phase === 'starting' && <p aria-busy="true">…</p>}
            {phase === 'hostError' && (
              <p role="alert" className="warn">
                {state.hostError?.code === 'bad_session' ? t('host.badSession') : `${t('host.unreachable')} ${t('host.reconnects')}`}
              </p>
            )}
            {phase === 'notEnrolled' && (
              <SetupScreen
                defaultServerUrl={status?.serverUrl ?? null}
                defaultName={status?.setupName ?? null}
                reason={state.revoked ? t('setup.revoked') : null}
                scanned={state.managerScan}
                enrol={(url, code, name, manager) => session.enrol(url, code, name, manager)}
              />
            )}
            {ready && mode === 'signIn' && (
              <>
                <SyncProgress sync={sync} />
                {notice}
                {state.cashier.loaded && <CashierSignIn signIn={(n, p) => session.signIn(n, p)} />}
              </>
            )}
            {ready && selling && (
              <>
                <SyncProgress sync={sync} />
                {/* Paying, the payment dialog shows the notice: behind its backdrop it could not be read. */}
                {mode !== 'payingCash' && mode !== 'payingCard' && notice}
                <div className="columns">
                  <div className="col-sale">
                    <nav className="row modes" aria-label={t('modes.label')}>
                      {(
                        [
                          ['sale', 'selling'],
                          ['return', 'returning'],
                          ['history', 'history'],
                        ] as const
                      ).map(([label, m]) => (
                        <button
                          key={m}
                          type="button"
                          className={mode === m ? '' : 'secondary'}
                          aria-pressed={mode === m}
                          onClick={() => void session.toMode(m)}
                        >
                          {t(`modes.${label}`)}
                        </button>
                      ))}
                    </nav>
                    {mode === 'returning' && db ? (
                      <ReturnPanel key={state.returnOf?.seq ?? 0} db={db} receiptNo={state.returnOf?.no ?? null} />
                    ) : mode === 'history' && db ? (
                      <HistoryPanel db={db} onReturn={(no) => void session.scan({ kind: 'text', text: `R-${no}` })} />
                    ) : state.receipt ? (
                      <ReceiptSummary receipt={state.receipt} onNext={() => session.dismissReceipt()} onLink={() => void session.linkCard()} />
                    ) : (
                      <SalePanel />
                    )}
                  </div>
                  <div className="col-customer">
                    <IdentifyPanel />
                    <div className="row tools">
                      <button type="button" className="secondary" aria-pressed={state.camera} onClick={() => session.setCamera(!state.camera)}>
                        {t('camera.open')}
                      </button>
                    </div>
                    {state.camera && <CameraPanel onScan={cameraScan} onClose={closeCamera} />}
                    {/* Beside the basket, not under it: the total and Pay stay in view on a 1024x768 screen. */}
                    {mode === 'selling' && !state.receipt && <CertificateForm />}
                  </div>
                </div>
                {(mode === 'payingCash' || mode === 'payingCard') && sale.priced && <PaymentDialog />}
                {(mode === 'selling' || (mode === 'returning' && state.desk.approval)) && <DeskDialogs />}
                {mode === 'selling' && sale.marking && <MarkingPrompt />}
                {state.phoneCode && <PhoneCodeDialog />}
              </>
            )}
          </>
        )}
      </main>
      <StatusBar
        sync={sync}
        store={terminal?.storeName ?? null}
        terminal={terminal?.terminalName ?? null}
        devices={state.devices}
        onDiagnostics={() => void session.toMode('diagnostics')}
        onManager={() => void session.toMode('manager')}
        onRejected={() => void session.toMode('rejected')}
      />
    </div>
  );
}
