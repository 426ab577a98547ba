import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { ConsentHistory, type ConsentHistoryItem } from '../../../sync/protocol/consents';
import type { ApiError } from '../api';
import type { Ctx } from '../App';
import { confirmKey, consentHistoryRows, consentRows, type ConsentRow } from './consents';

const Found = z.object({ id: z.string(), firstName: z.string() });

/** A customer found by id or card, and their consents (152-FZ), each withdrawable with a confirmation. */
export function CustomersView({ ctx }: { ctx: Ctx }) {
  const { t } = useTranslation();
  const [by, setBy] = useState<'card' | 'id'>('card');
  const [query, setQuery] = useState('');
  const [customer, setCustomer] = useState<z.infer<typeof Found> | null>(null);
  const [history, setHistory] = useState<ConsentHistory | null>(null);
  const [asking, setAsking] = useState<ConsentRow | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  const find = async (e: FormEvent) => {
    e.preventDefault();
    const digits = query.replace(/\D/g, '');
    setBusy(true);
    setDone(false);
    setAsking(null);
    const who =
      by === 'card'
        ? await ctx.api.call(Found, 'GET', '/api/v1/admin/customers', { query: { card: digits } })
        : await ctx.api.call(Found, 'GET', `/api/v1/admin/customers/${digits}`);
    const consents = who.ok ? await ctx.api.call(ConsentHistory, 'GET', `/api/v1/admin/customers/${who.value.id}/consents`) : null;
    setBusy(false);
    if (!who.ok) return (setError(who.error), setCustomer(null), setHistory(null));
    if (consents && !consents.ok) return setError(consents.error);
    setError(null);
    setCustomer(who.value);
    setHistory(consents?.ok ? consents.value : null);
  };

  const withdraw = async (row: ConsentRow) => {
    if (!customer) return;
    setBusy(true);
    const r = await ctx.api.call(ConsentHistory, 'POST', `/api/v1/admin/customers/${customer.id}/consents/withdraw`, { body: row.request });
    setBusy(false);
    setAsking(null);
    if (!r.ok) return setError(r.error);
    setError(null);
    setHistory(r.value);
    setDone(true);
  };

  const whatItem = (item: ConsentHistoryItem) =>
    item.purpose === 'personal_data' ? t('ho.customers.personalData') : t('ho.customers.marketing', { channel: t(`ho.customers.channels.${item.channel}`) });
  const what = (row: ConsentRow) => whatItem(row.item);
  const where = (item: ConsentHistoryItem) =>
    item.source === 'head_office'
      ? t('ho.customers.sources.headOffice')
      : item.terminalId
        ? t('ho.customers.sources.tillNamed', { id: item.terminalId })
        : t('ho.customers.sources.till');
  const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString(ctx.locale) : t('ho.common.dash'));

  return (
    <section>
      <h2>{t('ho.customers.heading')}</h2>
      <form onSubmit={find} className="toolbar">
        <label>
          {t('ho.customers.by')}
          <select value={by} onChange={(e) => setBy(e.target.value === 'id' ? 'id' : 'card')}>
            <option value="card">{t('ho.customers.byCard')}</option>
            <option value="id">{t('ho.customers.byId')}</option>
          </select>
        </label>
        <label>
          {t('ho.customers.find')}
          <input value={query} onChange={(e) => setQuery(e.target.value)} required inputMode="numeric" pattern="[0-9 ]+" autoComplete="off" />
        </label>
        <button type="submit" disabled={busy}>
          {t('ho.common.search')}
        </button>
      </form>
      {error && (
        <p role="alert" className="error">
          {t(error.key, error.params)}
        </p>
      )}
      {done && <p role="status">{t('ho.customers.withdrawn')}</p>}
      {customer && history && (
        <>
          <h3>{t('ho.customers.who', { id: customer.id, name: customer.firstName })}</h3>
          {history.current.length === 0 ? (
            <p>{t('ho.customers.noConsents')}</p>
          ) : (
            <table aria-label={t('ho.customers.currentTable')}>
              <thead>
                <tr>
                  {(['consent', 'state', 'text', 'given', 'source', 'actions'] as const).map((c) => (
                    <th key={c}>{t(`ho.customers.columns.${c}`)}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {consentRows(history.current).map((row) => (
                  <tr key={row.item.id}>
                    <td>{what(row)}</td>
                    <td>{row.item.granted ? t('ho.customers.granted') : t('ho.customers.notGranted')}</td>
                    <td>{row.item.textVersion}</td>
                    <td>{when(row.item.givenAt ?? row.item.recordedAt)}</td>
                    <td>{row.item.source === 'head_office' ? t('ho.customers.sources.headOffice') : t('ho.customers.sources.till')}</td>
                    <td>
                      {row.withdrawable && (
                        <button type="button" disabled={busy} onClick={() => setAsking(row)} aria-label={t('ho.customers.withdrawWhat', { what: what(row) })}>
                          {t('ho.customers.withdraw')}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {history.items.length > 0 && (
            <>
              <h3>{t('ho.customers.history')}</h3>
              <table aria-label={t('ho.customers.history')}>
                <thead>
                  <tr>
                    {(['recorded', 'consent', 'decision', 'text', 'given', 'source'] as const).map((c) => (
                      <th key={c}>{t(`ho.customers.historyColumns.${c}`)}</th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {consentHistoryRows(history.items).map((item) => (
                    <tr key={item.id}>
                      <td>{when(item.recordedAt)}</td>
                      <td>{whatItem(item)}</td>
                      <td>{item.granted ? t('ho.customers.decisionGranted') : t('ho.customers.decisionWithdrawn')}</td>
                      <td>{item.textVersion}</td>
                      <td>{when(item.givenAt)}</td>
                      <td>{where(item)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
          {asking && (
            <div role="alertdialog" aria-label={t('ho.customers.confirmTitle')} className="dialog">
              <p>{t(confirmKey(asking), { what: what(asking), name: customer.firstName })}</p>
              <button type="button" disabled={busy} onClick={() => void withdraw(asking)}>
                {t('ho.customers.confirm')}
              </button>
              <button type="button" onClick={() => setAsking(null)}>
                {t('ho.common.cancel')}
              </button>
            </div>
          )}
        </>
      )}
    </section>
  );
}
