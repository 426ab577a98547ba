import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { OfferUptake, RangeFigures, type RangeFiguresRow } from '../../../sync/protocol/headOffice';
import type { ApiError } from '../api';
import type { Ctx } from '../App';
import { FeedbackScores } from './FeedbackScores';

type Row = RangeFiguresRow;

const COUNTS = ['receipts', 'returns'] as const;
const MONEY = [
  'revenueGross',
  'revenueReturns',
  'revenueNet',
  'accruedGross',
  'accruedReturns',
  'accruedNet',
  'redeemedGross',
  'redeemedReturns',
  'redeemedNet',
] as const;
const GROUPS = ['stores', 'terminals', 'cashiers', 'days'] as const;
/** Uptake figures added up when stores are shown by region; nets are net of returns. */
const UPTAKE_SUMMED = [
  'receipts',
  'returnedReceipts',
  'discount',
  'discountReturned',
  'discountNet',
  'bonusCost',
  'bonusCostReturned',
  'bonusCostNet',
] as const;
type UptakeSums = Record<(typeof UPTAKE_SUMMED)[number], number>;
const emptyUptake = (): UptakeSums => ({
  receipts: 0,
  returnedReceipts: 0,
  discount: 0,
  discountReturned: 0,
  discountNet: 0,
  bonusCost: 0,
  bonusCostReturned: 0,
  bonusCostNet: 0,
});
type Group = (typeof GROUPS)[number];

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/** Figures over any period, net of returns, by store, till, cashier or day; and offer uptake by store or region. */
export function FiguresView({ ctx }: { ctx: Ctx }) {
  const { t, i18n } = useTranslation();
  const [from, setFrom] = useState(() => isoDay(new Date(Date.now() - 6 * 86_400_000)));
  // Each store counts days in its own zone: up to the newest date any store can be in (UTC+14), so
  // "today" includes a store east of head office whose day has already turned (a Moscow store after
  // 21:00 UTC was missing from a UTC browser's week).
  const [to, setTo] = useState(() => isoDay(new Date(Date.now() + 14 * 3_600_000)));
  const [storeId, setStoreId] = useState('');
  const [group, setGroup] = useState<Group>('stores');
  const [uptakeBy, setUptakeBy] = useState<'store' | 'region'>('store');
  const [data, setData] = useState<RangeFigures | null>(null);
  const [uptake, setUptake] = useState<z.infer<typeof OfferUptake> | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const load = useCallback(async () => {
    const query = { from, to, storeId: storeId || undefined };
    const base = `/api/v1/admin/chains/${ctx.chainId}`;
    const [f, u] = await Promise.all([
      ctx.api.call(RangeFigures, 'GET', `${base}/figures`, { query }),
      ctx.api.call(OfferUptake, 'GET', `${base}/offer-uptake`, { query }),
    ]);
    if (!f.ok) return setError(f.error);
    if (!u.ok) return setError(u.error);
    setError(null);
    setData(f.value);
    setUptake(u.value);
  }, [ctx.api, ctx.chainId, from, to, storeId]);
  useEffect(() => {
    void load();
  }, [load]);

  const label = (r: Row) => (group === 'cashiers' && r.key === 'none' ? t('ho.figures.noCashier') : r.label);
  const storeName = (id: number) => ctx.ref.stores.find((s) => s.id === id)?.name ?? String(id);
  const regionName = (id: number | null) => (id === null ? t('ho.figures.noRegion') : (ctx.ref.regions.find((r) => r.id === id)?.name ?? String(id)));
  const uptakeRows = (() => {
    if (!uptake) return [];
    const m = new Map<string, { offerId: string; offer: string; where: string } & UptakeSums>();
    for (const r of uptake.rows) {
      const where = uptakeBy === 'store' ? storeName(r.storeId) : regionName(r.regionId);
      const key = `${r.offerId}|${where}`;
      const offer = r.offerName ? (i18n.language === 'en' ? r.offerName.en : r.offerName.ru) : r.offerId;
      const row = m.get(key) ?? { offerId: r.offerId, offer, where, ...emptyUptake() };
      for (const k of UPTAKE_SUMMED) row[k] += r[k];
      m.set(key, row);
    }
    return [...m.values()];
  })();

  return (
    <section aria-labelledby="figures-heading">
      <h2 id="figures-heading">{t('ho.figures.heading')}</h2>
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          void load();
        }}
      >
        <label>
          {t('ho.common.from')}
          <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} required />
        </label>
        <label>
          {t('ho.common.to')}
          <input type="date" value={to} onChange={(e) => setTo(e.target.value)} required />
        </label>
        <label>
          {t('ho.common.store')}
          <select value={storeId} onChange={(e) => setStoreId(e.target.value)}>
            <option value="">{t('ho.figures.scopeAll')}</option>
            {ctx.ref.stores.map((s) => (
              <option key={s.id} value={String(s.id)}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">{t('ho.common.show')}</button>
      </form>
      <p className="hint">{t('ho.figures.net')}</p>
      {error && (
        <p role="alert" className="error">
          {t(error.key, error.params)}
        </p>
      )}
      <div className="row" role="tablist">
        {GROUPS.map((g) => (
          <button key={g} type="button" role="tab" aria-selected={group === g} className={group === g ? '' : 'secondary'} onClick={() => setGroup(g)}>
            {t(`ho.figures.by.${g}`)}
          </button>
        ))}
      </div>
      {data && (
        <div className="scroll">
          <table aria-label={t(`ho.figures.by.${group}`)} className="figures">
            <thead>
              <tr>
                <th>{t('ho.figures.columns.name')}</th>
                {[...COUNTS, ...MONEY, 'registrations' as const].map((c) => (
                  <th key={c}>{t(`ho.figures.columns.${c}`)}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {data[group].map((r) => (
                <tr key={r.key}>
                  <th scope="row">
                    {label(r)}
                    {r.detail && <div className="hint">{r.detail}</div>}
                  </th>
                  {COUNTS.map((c) => (
                    <td key={c}>{r[c]}</td>
                  ))}
                  {MONEY.map((c) => (
                    <td key={c}>{ctx.money(r[c])}</td>
                  ))}
                  <td>{r.registrations}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">{t('ho.figures.total')}</th>
                {COUNTS.map((c) => (
                  <td key={c}>{data.totals[c]}</td>
                ))}
                {MONEY.map((c) => (
                  <td key={c}>{ctx.money(data.totals[c])}</td>
                ))}
                <td>{data.totals.registrations}</td>
              </tr>
            </tfoot>
          </table>
        </div>
      )}

      <h3>{t('ho.figures.uptake')}</h3>
      <div className="row">
        {(['store', 'region'] as const).map((b) => (
          <button key={b} type="button" aria-pressed={uptakeBy === b} className={uptakeBy === b ? '' : 'secondary'} onClick={() => setUptakeBy(b)}>
            {t(`ho.figures.uptakeBy.${b}`)}
          </button>
        ))}
      </div>
      <p className="hint">{t('ho.figures.uptakeHint')}</p>
      <table aria-label={t('ho.figures.uptake')}>
        <thead>
          <tr>
            {(['offer', 'where', 'receipts', 'returns', 'discount', 'discountNet', 'bonus', 'bonusNet'] as const).map((c) => (
              <th key={c}>{t(`ho.figures.uptakeColumns.${c}`)}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {uptakeRows.map((r) => (
            <tr key={`${r.offerId}|${r.where}`}>
              <td>{r.offer}</td>
              <td>{r.where}</td>
              <td>{r.receipts}</td>
              <td>{r.returnedReceipts}</td>
              <td>{ctx.money(r.discount)}</td>
              <td>{ctx.money(r.discountNet)}</td>
              <td>{ctx.money(r.bonusCost)}</td>
              <td>{ctx.money(r.bonusCostNet)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {uptake && uptakeRows.length === 0 && <p className="hint">{t('ho.common.none')}</p>}
      <FeedbackScores ctx={ctx} from={from} to={to} storeId={storeId} />
    </section>
  );
}
