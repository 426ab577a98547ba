import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { formatRoubles } from '../../core/money';
import { ApiResult } from '../../sync/protocol/host';
import { ManagerSession, StoreFigures, StoreOffers, type OfferStatus } from '../../sync/protocol/manager';
import type { HostBridge } from '../host/bridge';
import { localeOf } from '../i18n';

type Call = { ok: true; body: unknown } | { ok: false; message: string };

/** The store manager's corner of the till, behind a PIN: today's figures and this store's offers. */
export function ManagerScreen({ bridge, onClose }: { bridge: HostBridge; onClose: () => void }) {
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

  const call = useCallback(
    async (method: 'GET' | 'POST' | 'DELETE', path: string, opts: { query?: Record<string, string>; body?: unknown; token?: string } = {}): Promise<Call> => {
      const res = await bridge.request({ op: 'api', method, path, query: opts.query, body: opts.body, managerToken: opts.token });
      if (!res.ok) return { ok: false, message: res.error.message };
      const r = ApiResult.safeParse(res.value);
      if (!r.success) return { ok: false, message: t('manager.badAnswer') };
      if (r.data.status >= 200 && r.data.status < 300) return { ok: true, body: r.data.body };
      const b = r.data.body as { message?: unknown } | null;
      return { ok: false, message: typeof b?.message === 'string' ? b.message : `HTTP ${r.data.status}` };
    },
    [bridge, t],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const signIn = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const res = await call('POST', '/api/v1/manager/session', { body: { pin } });
    setPin('');
    if (!res.ok) return setError(res.message);
    const s = ManagerSession.safeParse(res.body);
    if (s.success) setSession(s.data);
    else setError(t('manager.badAnswer'));
  };

  useEffect(() => {
    if (!session) return;
    void call('GET', '/api/v1/manager/figures', { token: session.token }).then((r) => {
      const f = r.ok ? StoreFigures.safeParse(r.body) : null;
      if (f?.success) setFigures(f.data);
      else setError(r.ok ? t('manager.badAnswer') : r.message);
    });
  }, [session, call, t]);

  useEffect(() => {
    if (!session) return;
    const query: Record<string, string> = { status };
    if (q.trim()) query.q = q.trim();
    void call('GET', '/api/v1/manager/offers', { token: session.token, query }).then((r) => {
      const o = r.ok ? StoreOffers.safeParse(r.body) : null;
      if (o?.success) setOffers(o.data);
    });
  }, [session, status, q, call]);

  const signOut = async () => {
    if (session) await call('DELETE', '/api/v1/manager/session', { token: session.token });
    setSession(null);
    onClose();
  };

  if (!session) {
    return (
      <section className="setup" aria-label={t('manager.title')}>
        <h2>{t('manager.title')}</h2>
        <form onSubmit={signIn} className="setup-form">
          <label htmlFor="manager-pin">{t('manager.pin')}</label>
          <input id="manager-pin" type="password" inputMode="numeric" autoComplete="off" value={pin} onChange={(e) => setPin(e.target.value.replace(/\D/g, '').slice(0, 8))} autoFocus />
          <div className="row">
            <button type="submit">{t('manager.signIn')}</button>
            <button type="button" className="secondary" onClick={onClose}>{t('manager.close')}</button>
          </div>
        </form>
        {error && <p role="alert" className="warn">{error}</p>}
      </section>
    );
  }

  const rows = figures ? [{ terminalName: t('manager.store'), terminalId: 'store', ...figures.totals }, ...figures.terminals] : [];
  const share = (n: { basisPoints: number | null }) => (n.basisPoints === null ? '—' : `${(n.basisPoints / 100).toLocaleString(locale)} %`);
  return (
    <section className="sale" aria-label={t('manager.title')}>
      <div className="row">
        <h2>{t('manager.hello', { name: session.managerName })}</h2>
        <button type="button" className="secondary" onClick={() => void signOut()}>{t('manager.signOut')}</button>
      </div>
      {error && <p role="alert" className="warn">{error}</p>}
      <h3>{t('manager.figures', { date: figures?.date ?? '' })}</h3>
      <table className="basket" aria-label={t('manager.figuresTable')}>
        <thead>
          <tr>
            <th>{t('manager.where')}</th>
            <th>{t('manager.receipts')}</th>
            <th>{t('manager.identified')}</th>
            <th>{t('manager.sales')}</th>
            <th>{t('manager.earned')}</th>
            <th>{t('manager.redeemed')}</th>
            <th>{t('manager.registrations')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.terminalId}>
              <td>{r.terminalName}</td>
              <td>{r.receipts}</td>
              <td>{share(r.identifiedShare)}</td>
              <td>{money(r.salesKopecks)}</td>
              <td>{money(r.accruedKopecks)}</td>
              <td>{money(r.redeemedKopecks)}</td>
              <td>{r.registrations}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>{t('manager.offers')}</h3>
      <div className="row">
        {(['active', 'upcoming', 'ended'] as const).map((s) => (
          <button key={s} type="button" className={status === s ? '' : 'secondary'} aria-pressed={status === s} onClick={() => setStatus(s)}>
            {t(`manager.status.${s}`)}
          </button>
        ))}
        <label htmlFor="offer-search" className="visually-hidden">{t('manager.search')}</label>
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
