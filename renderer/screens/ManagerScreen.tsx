import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { formatRoubles } from '../../core/money';
import { tillFigures } from '../../sync/client/cashiers';
import type { TillDb } from '../../sync/client/tillDb';
import { ApiResult } from '../../sync/protocol/host';
import { ManagerCard, ManagerSession, StoreFigures, StoreOffers, type FiguresRow, type OfferStatus } from '../../sync/protocol/manager';
import type { HostBridge } from '../host/bridge';
import { localeOf } from '../i18n';
import { FeedbackPanel } from './FeedbackPanel';
import { FiscalShiftPanel } from '../sale/FiscalShiftPanel';

type Call = { ok: true; body: unknown } | { ok: false; message: string; offline: boolean };

/**
 * A refused manager request in the cashier's language. The server's own message is English
 * (for its log), so the screen words the answer by its code and details instead.
 */
function managerFailure(code: string, details: unknown, t: (key: string, options?: Record<string, unknown>) => string): string {
  const d = (details ?? {}) as { attemptsLeft?: unknown; retryAfterSeconds?: unknown };
  switch (code) {
    case 'manager_credential_rejected':
      return typeof d.attemptsLeft === 'number' && d.attemptsLeft > 0 ? t('manager.wrongCredential', { count: d.attemptsLeft }) : t('manager.lockedNow');
    case 'manager_unlock_locked':
    case 'too_many_failures':
    case 'rate_limited':
      return t('manager.locked', { seconds: typeof d.retryAfterSeconds === 'number' ? d.retryAfterSeconds : 60 });
    case 'manager_session_expired':
    case 'manager_session_invalid':
    case 'manager_required':
      return t('manager.sessionOver');
    case 'server_unreachable':
      return t('manager.serverDown');
    case 'invalid_request':
    case 'bad_request':
      return t('manager.badRequest');
    case 'credential_rejected':
    case 'terminal_revoked':
      return t('manager.tillRevoked');
    case 'internal':
    case 'http_500':
    case 'http_502':
    case 'http_503':
      return t('manager.serverError');
    default:
      return t('manager.failed', { code });
  }
}
type TillView = Awaited<ReturnType<typeof tillFigures>>;

export interface ManagerScreenProps {
  bridge: HostBridge;
  onClose: () => void;
  /** Scans (keyboard wedge or scanner) while this screen is open: a manager card unlocks it. */
  scanned?: { text: string; seq: number } | null;
  /** The till's own database and store time zone, for this till's figures while the server is away. */
  db?: TillDb | null;
  timeZone?: string;
}

/**
 * The store manager's corner of the till, behind a PIN or a manager card: the store's figures
 * for today or any range of days, net of returns (per till and per cashier), and this store's
 * offers. With the server away nobody can be checked, and the screen shows only this till's own
 * per-cashier counts from its journal:
 * the counts the shift's receipts (F4) already show, never a customer's data.
 */
export function ManagerScreen({ bridge, onClose, scanned = null, db = null, timeZone = 'Europe/Moscow' }: ManagerScreenProps) {
  const { t, i18n } = useTranslation();
  const locale = localeOf(i18n.language);
  const money = (k: number) => formatRoubles(k, locale);
  const [session, setSession] = useState<ManagerSession | null>(null);
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [figures, setFigures] = useState<StoreFigures | null>(null);
  const [offers, setOffers] = useState<StoreOffers | null>(null);
  const [status, setStatus] = useState<OfferStatus>('active');
  const [q, setQ] = useState('');
  const [offline, setOffline] = useState<TillView | null>(null);
  // The period shown: one day by default (today, in the store's zone), or any range of days.
  const [period, setPeriod] = useState<{ from: string; to: string } | null>(null);
  const [draft, setDraft] = useState<{ from: string; to: string }>({ from: '', to: '' });

  const call = useCallback(
    async (method: 'GET' | 'POST' | 'DELETE', path: string, opts: { query?: Record<string, string>; body?: unknown; token?: string } = {}): Promise<Call> => {
      const res = await bridge.request({ op: 'api', method, path, query: opts.query, body: opts.body, managerToken: opts.token });
      if (!res.ok)
        return {
          ok: false,
          message: res.error.code === 'host_unreachable' ? t('host.unreachable') : t('manager.failed', { code: res.error.code }),
          offline: false,
        };
      const r = ApiResult.safeParse(res.value);
      if (!r.success) return { ok: false, message: t('manager.badAnswer'), offline: false };
      if (r.data.status >= 200 && r.data.status < 300) return { ok: true, body: r.data.body };
      const b = r.data.body as { code?: unknown; details?: unknown } | null;
      const code = typeof b?.code === 'string' ? b.code : `http_${r.data.status}`;
      return { ok: false, message: managerFailure(code, b?.details, t), offline: code === 'server_unreachable' };
    },
    [bridge, t],
  );

  const unlock = useCallback(
    async (credential: { pin: string } | { card: string }) => {
      setError(null);
      const res = await call('POST', '/api/v1/manager/session', { body: credential });
      setPin('');
      if (!res.ok) {
        setError(res.message);
        if (res.offline && db) setOffline(await tillFigures(db, timeZone));
        return;
      }
      const s = ManagerSession.safeParse(res.body);
      if (s.success) {
        setOffline(null);
        setSession(s.data);
      } else setError(t('manager.badAnswer'));
    },
    [call, db, timeZone, t],
  );
  const signIn = (e: FormEvent) => {
    e.preventDefault();
    void unlock({ pin });
  };

  // A manager card, scanned while the screen waits for a PIN (the till routes scans here).
  const seenScan = useRef(scanned?.seq ?? 0);
  useEffect(() => {
    if (!scanned || scanned.seq === seenScan.current) return;
    seenScan.current = scanned.seq;
    if (session) return;
    const card = ManagerCard.safeParse(scanned.text.replace(/\D/g, ''));
    if (card.success) void unlock({ card: card.data });
    else setError(t('manager.pinOrCard'));
  }, [scanned, session, unlock, t]);

  useEffect(() => {
    if (!session) return;
    const query = period ? { date: period.from, to: period.to } : undefined;
    void call('GET', '/api/v1/manager/figures', { token: session.token, query }).then((r) => {
      const f = r.ok ? StoreFigures.safeParse(r.body) : null;
      if (f?.success) {
        setFigures(f.data);
        setDraft((d) => (d.from ? d : { from: f.data.date, to: f.data.dateTo ?? f.data.date }));
      } else setError(r.ok ? t('manager.badAnswer') : r.message);
    });
  }, [session, period, call, t]);

  useEffect(() => {
    if (!session) return;
    const query: Record<string, string> = { status };
    if (q.trim()) query.q = q.trim();
    void call('GET', '/api/v1/manager/offers', { token: session.token, query }).then((r) => {
      const o = r.ok ? StoreOffers.safeParse(r.body) : null;
      if (o?.success) setOffers(o.data);
    });
  }, [session, status, q, call]);

  // The customers' ratings for the same period (FeedbackPanel.tsx).
  const token = session?.token;
  const feedbackFetch = useCallback((query?: Record<string, string>) => call('GET', '/api/v1/manager/feedback', { token, query }), [call, token]);

  // Leaving is instant: the screen closes at once and the server forgets the session behind it
  // (a slow or absent server must not keep the manager's figures on the till's screen).
  const signOut = () => {
    if (session) void call('DELETE', '/api/v1/manager/session', { token: session.token });
    setSession(null);
    onClose();
  };

  const share = (n: { basisPoints: number | null }) => (n.basisPoints === null ? '—' : `${(n.basisPoints / 100).toLocaleString(locale)} %`);
  const cashierLabel = (c: { cashierId: string | null; cashierName: string | null; personnelNo: string | null }) =>
    c.cashierId === null ? t('manager.noCashier') : `${c.cashierName ?? c.cashierId}${c.personnelNo ? ` (${c.personnelNo})` : ''}`;

  if (!session) {
    return (
      <section className="setup" aria-label={t('manager.title')}>
        <h2>{t('manager.title')}</h2>
        <p className="hint">{t('manager.pinOrCard')}</p>
        <form onSubmit={signIn} className="setup-form">
          <label htmlFor="manager-pin">{t('manager.pin')}</label>
          <input
            id="manager-pin"
            type="password"
            inputMode="numeric"
            autoComplete="off"
            value={pin}
            onChange={(e) => setPin(e.target.value.replace(/\D/g, '').slice(0, 8))}
            autoFocus
          />
          <div className="row">
            <button type="submit">{t('manager.signIn')}</button>
            <button type="button" className="secondary" onClick={onClose}>
              {t('manager.close')}
            </button>
          </div>
        </form>
        {error && (
          <p role="alert" className="warn">
            {error}
          </p>
        )}
        {offline && (
          <>
            <p className="hint">{t('manager.offline', { date: offline.date })}</p>
            <FiguresTable
              label={t('manager.tillFigures')}
              rows={[
                { key: 'till', name: t('manager.tillTotal'), ...offline.totals },
                ...offline.cashiers.map((c) => ({ key: c.cashierId ?? 'none', name: cashierLabel(c), ...c })),
              ]}
              share={(r) => share({ basisPoints: r.receipts === 0 ? null : Math.floor((2 * r.identifiedReceipts * 10_000 + r.receipts) / (2 * r.receipts)) })}
              money={money}
            />
          </>
        )}
      </section>
    );
  }

  const rows = figures ? [{ terminalName: t('manager.store'), terminalId: 'store', ...figures.totals }, ...figures.terminals] : [];
  return (
    <section className="sale" aria-label={t('manager.title')}>
      <div className="row">
        <h2>{t('manager.hello', { name: session.managerName })}</h2>
        <button type="button" className="secondary" onClick={signOut}>
          {t('manager.signOut')}
        </button>
      </div>
      {error && (
        <p role="alert" className="warn">
          {error}
        </p>
      )}
      <FiscalShiftPanel />
      <h3>
        {figures?.dateTo && figures.dateTo !== figures.date
          ? t('manager.figuresRange', { from: figures.date, to: figures.dateTo })
          : t('manager.figures', { date: figures?.date ?? '' })}
      </h3>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (draft.from && draft.to) {
            setError(null);
            setPeriod({ from: draft.from, to: draft.to < draft.from ? draft.from : draft.to });
          }
        }}
      >
        <label htmlFor="figures-from">{t('manager.periodFrom')}</label>
        <input id="figures-from" type="date" value={draft.from} onChange={(e) => setDraft((d) => ({ ...d, from: e.target.value }))} />
        <label htmlFor="figures-to">{t('manager.periodTo')}</label>
        <input id="figures-to" type="date" value={draft.to} onChange={(e) => setDraft((d) => ({ ...d, to: e.target.value }))} />
        <button type="submit" className="secondary">
          {t('manager.showPeriod')}
        </button>
      </form>
      <p className="hint">{t('manager.netHint')}</p>
      <FiguresTable
        label={null}
        tableLabel={t('manager.figuresTable')}
        firstColumn={t('manager.where')}
        rows={rows.map((r) => ({ key: r.terminalId, name: r.terminalName, ...r }))}
        share={(r) => share(r.identifiedShare)}
        money={money}
      />
      {figures && (
        <FiguresTable
          label={t('manager.cashiersTable')}
          rows={figures.cashiers.map((c) => ({ key: c.cashierId ?? 'none', name: cashierLabel(c), ...c }))}
          share={(r) => share(r.identifiedShare)}
          money={money}
        />
      )}
      <FeedbackPanel fetch={feedbackFetch} period={period} />
      <h3>{t('manager.offers')}</h3>
      <div className="row">
        {(['active', 'upcoming', 'ended'] as const).map((s) => (
          <button key={s} type="button" className={status === s ? '' : 'secondary'} aria-pressed={status === s} onClick={() => setStatus(s)}>
            {t(`manager.status.${s}`)}
          </button>
        ))}
        <label htmlFor="offer-search" className="visually-hidden">
          {t('manager.search')}
        </label>
        <input id="offer-search" value={q} onChange={(e) => setQ(e.target.value)} placeholder={t('manager.search')} />
      </div>
      <ul className="offers" aria-label={t('manager.offerList')}>
        {offers?.offers.map((o) => (
          <li key={o.id}>
            <strong>{i18n.language === 'en' ? o.name.en : o.name.ru}</strong>
            <span className="hint">
              {' '}
              {t(`manager.scope.${o.scope}`)}
              {o.validity.from || o.validity.to ? ` · ${o.validity.from ?? '…'} — ${o.validity.to ?? '…'}` : ''}
              {o.audience.personal ? ` · ${t('manager.personal', { count: o.audience.customerCount ?? 0 })}` : ''}
            </span>
          </li>
        ))}
        {offers && offers.offers.length === 0 && <li className="hint">{t('manager.noOffers')}</li>}
      </ul>
    </section>
  );
}

type Figures = Pick<
  FiguresRow,
  'receipts' | 'identifiedReceipts' | 'salesKopecks' | 'accruedKopecks' | 'redeemedKopecks' | 'registrationsOffered' | 'registrations'
> &
  Partial<Pick<FiguresRow, 'refundKopecks' | 'reversedAccrualKopecks' | 'restoredBonusKopecks'>>;

/**
 * A period's figures, one row per till or per cashier: receipts, identified share, registrations
 * offered and completed, then money and bonuses net of returns (sales, returns, net sales, net
 * earned, net spent). The till's own journal (offline) knows no returns: they count as zero.
 */
function FiguresTable<R extends Figures & { key: string; name: string }>({
  label,
  tableLabel = label ?? '',
  firstColumn,
  rows,
  share,
  money,
}: {
  /** Heading above the table; null for none. */
  label: string | null;
  tableLabel?: string;
  firstColumn?: string;
  rows: R[];
  share: (r: R) => string;
  money: (k: number) => string;
}) {
  const { t } = useTranslation();
  return (
    <>
      {label !== null && <h3>{label}</h3>}
      <table className="basket" aria-label={tableLabel}>
        <thead>
          <tr>
            <th>{firstColumn ?? t('manager.cashier')}</th>
            <th>{t('manager.receipts')}</th>
            <th>{t('manager.identified')}</th>
            <th>{t('manager.offered')}</th>
            <th>{t('manager.registrations')}</th>
            <th>{t('manager.sales')}</th>
            <th>{t('manager.returns')}</th>
            <th>{t('manager.salesNet')}</th>
            <th>{t('manager.earnedNet')}</th>
            <th>{t('manager.redeemedNet')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key}>
              <td>{r.name}</td>
              <td>{r.receipts}</td>
              <td>{share(r)}</td>
              <td>{r.registrationsOffered}</td>
              <td>{r.registrations}</td>
              <td>{money(r.salesKopecks)}</td>
              <td>{money(r.refundKopecks ?? 0)}</td>
              <td>{money(r.salesKopecks - (r.refundKopecks ?? 0))}</td>
              <td>{money(r.accruedKopecks - (r.reversedAccrualKopecks ?? 0))}</td>
              <td>{money(r.redeemedKopecks - (r.restoredBonusKopecks ?? 0))}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
