import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { parseRoubles } from '../../../core/money';
import { ExceptionsPage, type ExceptionItem } from '../../../sync/protocol/headOffice';
import type { ApiError } from '../api';
import type { Ctx } from '../App';
import { exceptionDetails } from './details';

type Item = ExceptionItem;
const Applied = z.object({
  status: z.string(),
  result: z.object({ posted: z.object({ adjusted: z.number().int().optional() }), balance: z.object({ available: z.number().int() }).nullable() }).optional(),
});
const Customer = z.object({ id: z.string(), firstName: z.string(), balance: z.number().int(), pending: z.number().int(), cards: z.array(z.string()) });

/** The kinds head office acts on first: cards taken, offline overspend, price differences, duplicate registrations. */
const KINDS = ['card_taken', 'overdraft', 'price_difference', 'registration_merged', 'registration_repeated', 'registration_unconfirmed_phone'];
type Action = 'merge' | 'cardReturn' | 'adjust';

/**
 * The exceptions report and its actions. Each action goes through the ledger on the server,
 * carries a request id made once per dialog (a double click or a retry applies it once) and a
 * reason, and marks the report row as settled.
 */
export function ExceptionsView({ ctx }: { ctx: Ctx }) {
  const { t, i18n } = useTranslation();
  const [all, setAll] = useState(false);
  const [onlyOpen, setOnlyOpen] = useState(true);
  const [items, setItems] = useState<Item[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [dialog, setDialog] = useState<{ action: Action; item: Item; requestId: string } | null>(null);
  const [people, setPeople] = useState<Record<string, z.infer<typeof Customer>>>({});

  const load = useCallback(async () => {
    const r = await ctx.api.call(ExceptionsPage, 'GET', '/api/v1/admin/exceptions', {
      query: { chainId: ctx.chainId, limit: 1000, kinds: all ? undefined : KINDS.join(','), open: onlyOpen ? 'true' : undefined },
    });
    if (!r.ok) return setError(r.error);
    setError(null);
    setItems([...r.value.items].reverse());
  }, [ctx.api, ctx.chainId, all, onlyOpen]);
  useEffect(() => {
    void load();
  }, [load]);

  // Who each row names: first name, balance and the last digits of their cards.
  useEffect(() => {
    const ids = [...new Set((items ?? []).flatMap((i) => (i.customerId ? [i.customerId] : [])))].filter((id) => !(id in people)).slice(0, 50);
    if (ids.length === 0) return;
    void Promise.all(ids.map((id) => ctx.api.call(Customer, 'GET', `/api/v1/admin/customers/${id}`))).then((rs) => {
      const found: Record<string, z.infer<typeof Customer>> = {};
      rs.forEach((r) => {
        if (r.ok) found[r.value.id] = r.value;
      });
      setPeople((p) => ({ ...p, ...found }));
    });
  }, [items, people, ctx.api]);

  const kindName = (k: string) => (i18n.exists(`ho.exceptions.kinds.${k}`) ? t(`ho.exceptions.kinds.${k}`) : t('ho.exceptions.kinds.other'));
  const storeName = (id: number | null) => (id === null ? t('ho.common.dash') : (ctx.ref.stores.find((s) => s.id === id)?.name ?? String(id)));
  const detailText = (kind: string, d: Record<string, unknown>) => exceptionDetails(kind, d, t, (k) => i18n.exists(k), ctx.money);
  const resolution = (d: Record<string, unknown>) => {
    const r = d.resolution as { action?: unknown } | undefined;
    return r && typeof r.action === 'string' ? t('ho.exceptions.resolved', { action: t(`ho.exceptions.resolvedAction.${r.action}`) }) : null;
  };

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!dialog) return;
    const data = Object.fromEntries(new FormData(e.currentTarget)) as Record<string, string>;
    const base = { requestId: dialog.requestId, reason: data.reason ?? '', exceptionId: dialog.item.id };
    let r;
    if (dialog.action === 'merge') {
      r = await ctx.api.call(Applied, 'POST', '/api/v1/admin/customers/merge', {
        body: { ...base, fromCustomerId: data.from, intoCustomerId: data.into },
      });
    } else if (dialog.action === 'cardReturn') {
      r = await ctx.api.call(Applied, 'POST', '/api/v1/admin/cards/return', {
        body: { ...base, card: (data.card ?? '').replace(/\D/g, ''), toCustomerId: data.to },
      });
    } else {
      const amount = parseRoubles(data.amount ?? '');
      if (amount === null || amount === 0) return setError({ key: 'ho.errors.roubles' });
      r = await ctx.api.call(Applied, 'POST', '/api/v1/admin/adjustments', { body: { ...base, customerId: data.customer, amountKopecks: amount } });
    }
    if (!r.ok) return setError(r.error);
    setError(null);
    const res = r.value.result;
    setNotice(
      dialog.action === 'merge'
        ? t('ho.exceptions.merge.done', { amount: ctx.money(res?.posted.adjusted ?? 0) })
        : dialog.action === 'cardReturn'
          ? t('ho.exceptions.cardReturn.done', { id: data.to })
          : t('ho.exceptions.adjust.done', { amount: ctx.money(res?.posted.adjusted ?? 0), balance: ctx.money(res?.balance?.available ?? 0) }),
    );
    setDialog(null);
    setPeople({});
    void load();
  };

  const person = (id: string | null) => {
    if (!id) return t('ho.common.dash');
    const p = people[id];
    return p
      ? `${t('ho.exceptions.customer', { id })}: ${t('ho.exceptions.customerInfo', { name: p.firstName, balance: ctx.money(p.balance), cards: p.cards.join(', ') || t('ho.common.dash') })}`
      : t('ho.exceptions.customer', { id });
  };

  return (
    <section aria-labelledby="exceptions-heading">
      <h2 id="exceptions-heading">{t('ho.exceptions.heading')}</h2>
      <div className="toolbar">
        <label className="inline">
          <input type="checkbox" checked={onlyOpen} onChange={(e) => setOnlyOpen(e.target.checked)} /> {t('ho.exceptions.onlyOpen')}
        </label>
        <label className="inline">
          <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} /> {t('ho.common.all')}
        </label>
      </div>
      {notice && <p role="status">{notice}</p>}
      {error && (
        <p role="alert" className="error">
          {t(error.key, error.params)}
        </p>
      )}
      {dialog && (
        <form className="card dialog" onSubmit={(e) => void submit(e)} aria-label={t(`ho.exceptions.actions.${dialog.action}`)}>
          <h3>{t(`ho.exceptions.${dialog.action}.heading`)}</h3>
          {dialog.action === 'merge' && (
            <>
              <p className="hint">{t('ho.exceptions.merge.explain')}</p>
              <label>
                {t('ho.exceptions.merge.from')}
                <input name="from" inputMode="numeric" required pattern="[1-9][0-9]*" />
              </label>
              <label>
                {t('ho.exceptions.merge.into')}
                <input name="into" inputMode="numeric" required pattern="[1-9][0-9]*" defaultValue={dialog.item.customerId ?? ''} />
              </label>
            </>
          )}
          {dialog.action === 'cardReturn' && (
            <>
              <label>
                {t('ho.exceptions.cardReturn.card')}
                <input name="card" inputMode="numeric" required autoComplete="off" />
              </label>
              <label>
                {t('ho.exceptions.cardReturn.to')}
                <input name="to" inputMode="numeric" required pattern="[1-9][0-9]*" defaultValue={dialog.item.customerId ?? ''} />
              </label>
            </>
          )}
          {dialog.action === 'adjust' && (
            <>
              <label>
                {t('ho.exceptions.adjust.customer')}
                <input name="customer" inputMode="numeric" required pattern="[1-9][0-9]*" defaultValue={dialog.item.customerId ?? ''} />
              </label>
              <label>
                {t('ho.exceptions.adjust.amount')}
                <input name="amount" inputMode="decimal" required />
              </label>
            </>
          )}
          <label>
            {t('ho.common.reason')}
            <input name="reason" required minLength={3} maxLength={500} />
          </label>
          <div className="row">
            <button type="submit">{t(`ho.exceptions.actions.${dialog.action}`)}</button>
            <button type="button" className="secondary" onClick={() => setDialog(null)}>
              {t('ho.common.cancel')}
            </button>
          </div>
        </form>
      )}
      <table aria-label={t('ho.exceptions.table')}>
        <thead>
          <tr>
            {(['when', 'kind', 'where', 'customer', 'details', 'actions'] as const).map((c) => (
              <th key={c}>{t(`ho.exceptions.columns.${c}`)}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {items?.map((x) => (
            <tr key={x.id}>
              <td>{new Date(x.createdAt).toLocaleString(ctx.locale)}</td>
              <td>{kindName(x.kind)}</td>
              <td>{storeName(x.storeId)}</td>
              <td>{person(x.customerId)}</td>
              <td>{detailText(x.kind, x.details)}</td>
              <td className="actions">
                {resolution(x.details) ?? (
                  <>
                    {(['merge', 'cardReturn', 'adjust'] as const).map((a) => (
                      <button key={a} type="button" className="secondary" onClick={() => setDialog({ action: a, item: x, requestId: crypto.randomUUID() })}>
                        {t(`ho.exceptions.actions.${a}`)}
                      </button>
                    ))}
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {items && items.length === 0 && <p className="hint">{t('ho.common.none')}</p>}
    </section>
  );
}
