import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { TillDb } from '../../sync/client/tillDb';
import type { DeviceInfo, HostDiagnostics } from '../../sync/protocol/host';
import { formatBytes, formatCount, formatMs, formatSkew, formatTime, SKEW_WARNING_MS } from '../diagnostics/format';
import { exportHostLogs, loadHostDiagnostics } from '../diagnostics/hostDiagnostics';
import { downloadText, logFileName } from '../diagnostics/logFile';
import { collectTillDiagnostics, RENDERER_VERSION, syncDiagnostics, tillExportRecord, type TillDiagnostics } from '../diagnostics/tillDiagnostics';
import type { HostBridge } from '../host/bridge';
import { SetupScreen, type SetupScreenProps } from '../components/SetupScreen';
import { localeOf } from '../i18n';
import type { SyncView } from '../../sync/client/session/tillState';
import './diagnostics.css';

export interface DiagnosticsScreenProps {
  /** The host bridge (IPC or browser host): asks for `diagnostics` and `exportLogs`. */
  bridge: HostBridge;
  /** The till's database, or null before enrolment: cache size, outbox, schema version. */
  db: TillDb | null;
  /** The sync loop's view: last sync time, online, last error. */
  sync: SyncView;
  /** Leave the screen (Esc, or the Close button). */
  onClose(): void;
  /** Bumped by F5 (the session's keymap): refresh what is shown. */
  refreshSeq?: number;
  /**
   * Re-enrolling this working till (issue 13): what it is enrolled as now, the manager card scans
   * the session routes here, and the enrolment itself. Absent or `current` null: not enrolled.
   */
  reenrol?: Pick<SetupScreenProps, 'current' | 'scanned' | 'enrol' | 'defaultName'>;
}

type HostState = { state: 'loading' } | { state: 'ok'; value: HostDiagnostics } | { state: 'failed'; message: string };

function tillEnvironment() {
  return { userAgent: navigator.userAgent, storage: navigator.storage };
}

/**
 * For IT at the till: versions, enrolment, server reachability and clock skew, devices, the
 * till's cache and outbox, and the host log; "Save logs" downloads them as one text file.
 * F5 (which must not reload the till) refreshes; Esc closes (both through the session keymap).
 */
export function DiagnosticsScreen({ bridge, db, sync, onClose, refreshSeq = 0, reenrol }: DiagnosticsScreenProps) {
  const { t, i18n } = useTranslation();
  const locale = localeOf(i18n.language);
  const titleId = useId();
  const [host, setHost] = useState<HostState>({ state: 'loading' });
  const [tillSnapshot, setTill] = useState<TillDiagnostics | null>(null);
  const [busy, setBusy] = useState(false);
  const [saving, setSaving] = useState(false);
  const [notice, setNotice] = useState<{ text: string; bad: boolean } | null>(null);
  const [reenrolling, setReenrolling] = useState(false);
  // The latest sync view without making every sync tick refresh the screen.
  const syncRef = useRef(sync);
  syncRef.current = sync;
  // The sync loop's fields live (the first sync may finish while the screen is open), the rest as of the last refresh.
  const till = tillSnapshot && { ...tillSnapshot, ...syncDiagnostics(sync) };
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const refresh = useCallback(async () => {
    setBusy(true);
    const [h, tl] = await Promise.all([loadHostDiagnostics(bridge), collectTillDiagnostics(db, syncRef.current, tillEnvironment())]);
    if (!mounted.current) return;
    setHost(h.ok ? { state: 'ok', value: h.value } : { state: 'failed', message: h.message });
    setTill(tl);
    setBusy(false);
  }, [bridge, db]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  // Device status changes while the screen is open.
  useEffect(
    () =>
      bridge.onDeviceEvent((e) => {
        if (e.kind !== 'status') return;
        setHost((h) =>
          h.state !== 'ok'
            ? h
            : {
                ...h,
                value: {
                  ...h.value,
                  devices: h.value.devices.map((d) =>
                    d.deviceId === e.deviceId ? { ...d, status: e.status, lastEventAt: e.at, detail: e.detail ?? null } : d,
                  ),
                },
              },
        );
      }),
    [bridge],
  );

  const save = useCallback(async () => {
    setSaving(true);
    setNotice(null);
    try {
      const tl = await collectTillDiagnostics(db, syncRef.current, tillEnvironment());
      const record = tillExportRecord(tl);
      const res = await exportHostLogs(bridge, record);
      const terminal = res.ok ? res.value.terminalName : host.state === 'ok' ? (host.value.enrolment?.terminalName ?? null) : null;
      const name = logFileName(terminal, new Date());
      if (res.ok) {
        downloadText(name, res.value.text);
        setNotice({ text: t('diagnostics.saved', { name }), bad: false });
      } else {
        // The host is away: still give IT what the till itself knows.
        downloadText(name, `Loyalty Till ${RENDERER_VERSION} — till part only; host: ${res.code}: ${res.message}\n\n${JSON.stringify(record, null, 2)}\n`);
        setNotice({ text: t('diagnostics.savedWithoutHost', { name, message: res.message }), bad: true });
      }
    } catch (err) {
      setNotice({ text: t('diagnostics.saveFailed', { message: err instanceof Error ? err.message : String(err) }), bad: true });
    } finally {
      if (mounted.current) setSaving(false);
    }
  }, [bridge, db, host, t]);

  // F5 comes through the session's keymap as a refresh request.
  const refreshNow = useRef(refresh);
  refreshNow.current = refresh;
  const seenRefresh = useRef(refreshSeq);
  useEffect(() => {
    if (refreshSeq === seenRefresh.current) return;
    seenRefresh.current = refreshSeq;
    void refreshNow.current();
  }, [refreshSeq]);

  const h = host.state === 'ok' ? host.value : null;
  return (
    <section className="diagnostics" aria-labelledby={titleId} aria-busy={busy}>
      <header className="diag-head">
        <h2 id={titleId}>{t('diagnostics.title')}</h2>
        <div className="row diag-actions">
          <button type="button" onClick={() => void refresh()} disabled={busy}>
            {t('diagnostics.refresh')}
          </button>
          <button type="button" onClick={() => void save()} disabled={saving}>
            {saving ? t('diagnostics.saving') : t('diagnostics.save')}
          </button>
          {reenrol?.current && (
            <button type="button" className="secondary" aria-pressed={reenrolling} onClick={() => setReenrolling((r) => !r)}>
              {t('setup.reenrol')}
            </button>
          )}
          <button type="button" className="secondary" onClick={onClose}>
            {t('diagnostics.close')}
          </button>
        </div>
      </header>
      {reenrolling && reenrol?.current && (
        <SetupScreen
          defaultServerUrl={reenrol.current.serverUrl}
          defaultName={reenrol.defaultName ?? reenrol.current.terminalName}
          current={reenrol.current}
          scanned={reenrol.scanned ?? null}
          enrol={async (url, code, name, manager) => {
            const res = await reenrol.enrol(url, code, name, manager);
            // Done: the form (with the manager's PIN in it) goes, and the screen says it worked.
            if (res.ok) {
              setReenrolling(false);
              setNotice({ text: t('setup.reenrolled', { name }), bad: false });
            }
            return res;
          }}
          onCancel={() => setReenrolling(false)}
        />
      )}
      <p className="hint" aria-live="polite">
        {busy ? t('diagnostics.loading') : h ? t('diagnostics.collectedAt', { time: formatTime(h.collectedAt, locale) }) : null}
      </p>
      {notice && (
        <p className={notice.bad ? 'warn' : 'diag-ok'} aria-live="polite">
          {notice.text}
        </p>
      )}
      {host.state === 'failed' && (
        <p role="alert" className="warn">
          {t('diagnostics.hostFailed', { message: host.message })}
        </p>
      )}

      <div className="diag-grid">
        <ServerPanel host={h} />
        <TillPanel till={till} hasDb={db !== null} />
        <EnrolmentPanel host={h} />
        <AppPanel host={h} till={till} />
        <DevicesPanel devices={h?.devices ?? null} />
      </div>
      <LogPanel host={h} />
    </section>
  );
}

function Panel({ title, children, wide }: { title: string; children: ReactNode; wide?: boolean }) {
  const id = useId();
  return (
    <section className={`diag-panel${wide ? ' diag-wide' : ''}`} aria-labelledby={id}>
      <h3 id={id}>{title}</h3>
      {children}
    </section>
  );
}

/** A labelled value: the dd carries its label as its accessible name. */
function Field({ label, children, bad }: { label: string; children: ReactNode; bad?: boolean }) {
  return (
    <>
      <dt>{label}</dt>
      <dd aria-label={label} className={bad ? 'diag-bad' : undefined}>
        {children}
      </dd>
    </>
  );
}

function ServerPanel({ host }: { host: HostDiagnostics | null }) {
  const { t, i18n } = useTranslation();
  const locale = localeOf(i18n.language);
  const s = host?.server;
  return (
    <Panel title={t('diagnostics.server.title')}>
      {!host ? (
        <p className="hint">{t('diagnostics.none')}</p>
      ) : !s ? (
        <p>{t('diagnostics.server.notConfigured')}</p>
      ) : (
        <>
          <p className={`pill ${s.reachable ? 'pill-good' : 'pill-bad'} diag-pill`} aria-label={t('diagnostics.server.state')}>
            {s.reachable ? t('diagnostics.server.reachable') : t('diagnostics.server.unreachable')}
          </p>
          <dl>
            <Field label={t('diagnostics.server.address')}>{s.url}</Field>
            {s.reachable ? (
              <>
                <Field label={t('diagnostics.server.roundTrip')}>{formatMs(s.roundTripMs, locale)}</Field>
                <Field label={t('diagnostics.server.skew')} bad={Math.abs(s.clockSkewMs) > SKEW_WARNING_MS}>
                  {formatSkew(s.clockSkewMs, locale)}
                </Field>
                <Field label={t('diagnostics.server.protocol')} bad={!s.protocolMatches}>
                  {s.protocol}
                </Field>
              </>
            ) : (
              <Field label={t('diagnostics.server.reason')} bad>
                {s.reason}
              </Field>
            )}
            <Field label={t('diagnostics.server.checkedAt')}>{formatTime(s.checkedAt, locale)}</Field>
          </dl>
          {s.reachable && Math.abs(s.clockSkewMs) > SKEW_WARNING_MS && (
            <p role="alert" className="warn">
              {t('diagnostics.server.skewLarge')}
            </p>
          )}
          {s.reachable && !s.protocolMatches && (
            <p role="alert" className="warn">
              {t('diagnostics.server.protocolMismatch', { server: s.protocol })}
            </p>
          )}
        </>
      )}
    </Panel>
  );
}

function TillPanel({ till, hasDb }: { till: TillDiagnostics | null; hasDb: boolean }) {
  const { t, i18n } = useTranslation();
  const locale = localeOf(i18n.language);
  const none = t('diagnostics.none');
  if (!till) {
    return (
      <Panel title={t('diagnostics.till.title')}>
        <p className="hint">{t('diagnostics.loading')}</p>
      </Panel>
    );
  }
  const { database, outbox, storage } = till;
  const yesNo = (v: boolean | null) => (v === null ? t('diagnostics.unknown') : v ? t('diagnostics.yes') : t('diagnostics.no'));
  return (
    <Panel title={t('diagnostics.till.title')}>
      {!hasDb && <p className="hint">{t('diagnostics.till.noDb')}</p>}
      <dl>
        <Field label={t('diagnostics.till.customers')}>{database ? formatCount(database.customers, locale) : none}</Field>
        <Field label={t('diagnostics.till.keys')}>{database ? formatCount(database.keys, locale) : none}</Field>
        <Field label={t('diagnostics.till.storage')}>
          {storage.usage === null
            ? t('diagnostics.unknown')
            : storage.quota === null
              ? formatBytes(storage.usage, locale)
              : t('diagnostics.till.storageValue', { usage: formatBytes(storage.usage, locale), quota: formatBytes(storage.quota, locale) })}
        </Field>
        <Field label={t('diagnostics.till.persisted')} bad={storage.persisted === false}>
          {yesNo(storage.persisted)}
        </Field>
        <Field label={t('diagnostics.till.lastSync')}>{till.lastSyncAt ? formatTime(till.lastSyncAt, locale) : t('diagnostics.never')}</Field>
        <Field label={t('diagnostics.till.catalogue')}>{till.catalogueAt ? formatTime(till.catalogueAt, locale) : t('diagnostics.never')}</Field>
        <Field label={t('diagnostics.till.waiting')}>{outbox ? formatCount(outbox.waiting, locale) : none}</Field>
        <Field label={t('diagnostics.till.refused')} bad={!!outbox && outbox.rejected > 0}>
          {outbox ? formatCount(outbox.rejected, locale) : none}
        </Field>
        <Field label={t('diagnostics.till.schema')}>{database ? database.schemaVersion : none}</Field>
        <Field label={t('diagnostics.till.database')}>{database ? database.name : none}</Field>
        {till.syncError && (
          <Field label={t('diagnostics.till.syncError')} bad>
            {till.syncError}
          </Field>
        )}
      </dl>
      {till.problems.map((p) => (
        <p key={p} role="alert" className="warn">
          {t('diagnostics.till.problem', { message: p })}
        </p>
      ))}
    </Panel>
  );
}

function DevicesPanel({ devices }: { devices: DeviceInfo[] | null }) {
  const { t, i18n } = useTranslation();
  const locale = localeOf(i18n.language);
  return (
    <Panel title={t('diagnostics.devices.title')} wide>
      {devices === null ? (
        <p className="hint">{t('diagnostics.none')}</p>
      ) : devices.length === 0 ? (
        <p>{t('diagnostics.devices.none')}</p>
      ) : (
        <div className="diag-table-wrap">
          <table className="diag-table">
            <caption className="visually-hidden">{t('diagnostics.devices.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('diagnostics.devices.device')}</th>
                <th scope="col">{t('diagnostics.devices.type')}</th>
                <th scope="col">{t('diagnostics.devices.address')}</th>
                <th scope="col">{t('diagnostics.devices.status')}</th>
                <th scope="col">{t('diagnostics.devices.lastEvent')}</th>
                <th scope="col">{t('diagnostics.devices.detail')}</th>
              </tr>
            </thead>
            <tbody>
              {devices.map((d) => (
                <tr key={d.deviceId}>
                  <th scope="row">{d.deviceId}</th>
                  <td>{t(`diagnostics.devices.types.${d.deviceType}`)}</td>
                  <td>{d.address ?? t('diagnostics.none')}</td>
                  <td>
                    <span className={`pill ${d.status === 'connected' ? 'pill-good' : 'pill-bad'}`}>{t(`status.device.${d.status}`)}</span>
                  </td>
                  <td>{d.lastEventAt ? formatTime(d.lastEventAt, locale) : t('diagnostics.never')}</td>
                  <td>{d.detail ?? t('diagnostics.none')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}

function AppPanel({ host, till }: { host: HostDiagnostics | null; till: TillDiagnostics | null }) {
  const { t, i18n } = useTranslation();
  const locale = localeOf(i18n.language);
  const none = t('diagnostics.none');
  const mismatch = !!host && host.appVersion !== 'unknown' && host.appVersion !== RENDERER_VERSION;
  return (
    <Panel title={t('diagnostics.app.title')}>
      <dl>
        <Field label={t('diagnostics.app.version')}>{host?.appVersion ?? none}</Field>
        <Field label={t('diagnostics.app.renderer')} bad={mismatch}>
          {RENDERER_VERSION}
        </Field>
        <Field label={t('diagnostics.app.mode')}>{host ? t(`diagnostics.app.modes.${host.mode}`) : none}</Field>
        <Field label={t('diagnostics.app.node')}>{host?.versions.node ?? none}</Field>
        {host?.versions.electron && <Field label={t('diagnostics.app.electron')}>{host.versions.electron}</Field>}
        {host?.versions.chromium && <Field label={t('diagnostics.app.chromium')}>{host.versions.chromium}</Field>}
        <Field label={t('diagnostics.app.browser')}>{till?.chromium ?? t('diagnostics.unknown')}</Field>
        <Field label={t('diagnostics.app.platform')}>{host ? `${host.versions.platform} ${host.versions.arch}` : none}</Field>
        <Field label={t('diagnostics.app.dataDir')}>
          <code>{host?.dataDir ?? none}</code>
        </Field>
        <Field label={t('diagnostics.app.startedAt')}>{host ? formatTime(host.hostStartedAt, locale) : none}</Field>
      </dl>
      {mismatch && host && (
        <p role="alert" className="warn">
          {t('diagnostics.app.mismatch', { renderer: RENDERER_VERSION, host: host.appVersion })}
        </p>
      )}
    </Panel>
  );
}

function EnrolmentPanel({ host }: { host: HostDiagnostics | null }) {
  const { t } = useTranslation();
  const e = host?.enrolment;
  return (
    <Panel title={t('diagnostics.enrolment.title')}>
      {!host ? (
        <p className="hint">{t('diagnostics.none')}</p>
      ) : !e ? (
        <p>{t('diagnostics.enrolment.none')}</p>
      ) : (
        <dl>
          <Field label={t('diagnostics.enrolment.terminal')}>{e.terminalName}</Field>
          <Field label={t('diagnostics.enrolment.store')}>{`${e.storeName} (${e.storeId})`}</Field>
          <Field label={t('diagnostics.enrolment.chain')}>{e.chainName}</Field>
          <Field label={t('diagnostics.enrolment.serverUrl')}>{e.serverUrl}</Field>
          <Field label={t('diagnostics.enrolment.terminalId')}>
            <code>{e.terminalId}</code>
          </Field>
        </dl>
      )}
    </Panel>
  );
}

function LogPanel({ host }: { host: HostDiagnostics | null }) {
  const { t, i18n } = useTranslation();
  const locale = localeOf(i18n.language);
  const listRef = useRef<HTMLOListElement>(null);
  const lines = host?.log ?? [];
  // Newest at the bottom: keep it in view after each refresh.
  useEffect(() => {
    const el = listRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [host]);
  return (
    <Panel title={t('diagnostics.log.title')} wide>
      <p className="hint">{t('diagnostics.log.hint')}</p>
      {lines.length === 0 ? (
        <p>{t('diagnostics.log.empty')}</p>
      ) : (
        // Focusable so the keyboard can scroll it.
        <ol className="diag-log" aria-label={t('diagnostics.log.list')} tabIndex={0} ref={listRef}>
          {lines.map((l, i) => (
            <li key={`${l.at}-${i}`} className={`diag-log-${l.level}`}>
              <time dateTime={l.at}>{formatTime(l.at, locale)}</time> <span className="diag-level">{t(`diagnostics.log.levels.${l.level}`)}</span>{' '}
              <span>{l.message}</span>
              {l.repeats > 1 && <span className="diag-repeats"> {t('diagnostics.log.repeated', { count: l.repeats })}</span>}
            </li>
          ))}
        </ol>
      )}
    </Panel>
  );
}
