import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { OfferSchema, type Offer } from '../../../core/engine';
import { OfferSummary } from '../../../sync/protocol/manager';
import type { ApiError } from '../api';
import type { Ctx } from '../App';
import { describeAudience, describeEffect } from './describe';
import { OfferEditor } from './OfferEditor';
import { ProgrammeSettings } from './ProgrammeSettings';

const ChainOffers = z.object({ total: z.number().int(), offers: z.array(OfferSummary.extend({ revision: z.string() })) });
const OneOffer = z.object({ offer: z.unknown(), deleted: z.boolean(), revision: z.string() });

type Editing = { offer: Offer | null; revision: string | null; segments?: string[] };
/** The segment the segments page asked a new offer to target (read once, then forgotten). */
export const OFFER_SEGMENT_KEY = 'lt-headoffice-offer-segment';

/** The chain's offers: search and filter, open one in the form editor, or start a new one. */
export function OffersView({ ctx }: { ctx: Ctx }) {
  const { t, i18n } = useTranslation();
  const [status, setStatus] = useState('');
  const [q, setQ] = useState('');
  const [list, setList] = useState<z.infer<typeof ChainOffers> | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [editing, setEditing] = useState<Editing | null>(() => {
    const segment = sessionStorage.getItem(OFFER_SEGMENT_KEY);
    if (!segment) return null;
    sessionStorage.removeItem(OFFER_SEGMENT_KEY);
    return { offer: null, revision: null, segments: [segment] };
  });
  const base = `/api/v1/admin/chains/${ctx.chainId}/offers`;
  const tierName = (id: string) => {
    const tier = ctx.ref.programme.tiers.find((x) => x.id === id);
    return tier ? (i18n.language === 'en' ? tier.name.en : tier.name.ru) : id;
  };
  const load = useCallback(async () => {
    const r = await ctx.api.call(ChainOffers, 'GET', base, { query: { status, q: q.trim(), limit: 500 } });
    if (r.ok) {
      setList(r.value);
      setError(null);
    } else setError(r.error);
  }, [ctx.api, base, status, q]);

  useEffect(() => {
    void load();
  }, [load]);

  const open = async (id: string) => {
    const r = await ctx.api.call(OneOffer, 'GET', `${base}/${encodeURIComponent(id)}`);
    if (!r.ok) return setError(r.error);
    const parsed = OfferSchema.safeParse(r.value.offer);
    if (!parsed.success) return setError({ key: 'ho.errors.server', params: { code: 'bad_offer' } });
    setNotice(null);
    setEditing({ offer: parsed.data, revision: r.value.revision });
  };
  const end = async (o: { id: string; name: { ru: string; en: string } }) => {
    const name = i18n.language === 'en' ? o.name.en : o.name.ru;
    if (!confirm(t('ho.offers.endConfirm', { name }))) return;
    const r = await ctx.api.call(z.unknown(), 'DELETE', `${base}/${encodeURIComponent(o.id)}`);
    if (!r.ok) return setError(r.error);
    setNotice(t('ho.offers.ended'));
    void load();
  };

  if (editing) {
    return (
      <OfferEditor
        ctx={ctx}
        initial={editing.offer}
        revision={editing.revision}
        segments={editing.segments}
        onClose={(published) => {
          setEditing(null);
          if (published) setNotice(t('ho.offers.published', { name: i18n.language === 'en' ? published.name.en : published.name.ru }));
          void load();
        }}
      />
    );
  }

  return (
    <section aria-labelledby="offers-heading">
      <h2 id="offers-heading">{t('ho.offers.heading')}</h2>
      <div className="toolbar">
        <label>
          {t('ho.offers.statusFilter')}
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">{t('ho.offers.statusAll')}</option>
            {(['active', 'upcoming', 'ended'] as const).map((s) => (
              <option key={s} value={s}>
                {t(`ho.offers.status.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('ho.common.search')}
          <input type="search" value={q} maxLength={100} placeholder={t('ho.offers.searchPlaceholder')} onChange={(e) => setQ(e.target.value)} />
        </label>
        <button type="button" onClick={() => setEditing({ offer: null, revision: null })}>
          {t('ho.offers.create')}
        </button>
        {list && <span className="hint">{t('ho.offers.count', { count: list.total })}</span>}
      </div>
      {notice && <p role="status">{notice}</p>}
      {error && (
        <p role="alert" className="error">
          {t(error.key, error.params)}
        </p>
      )}
      <table aria-label={t('ho.offers.list')}>
        <thead>
          <tr>
            <th>{t('ho.offers.columns.name')}</th>
            <th>{t('ho.offers.columns.status')}</th>
            <th>{t('ho.offers.columns.dates')}</th>
            <th>{t('ho.offers.columns.scope')}</th>
            <th>{t('ho.offers.columns.effect')}</th>
            <th>{t('ho.offers.columns.audience')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {list?.offers.map((o) => (
            <tr key={o.id}>
              <td>
                {i18n.language === 'en' ? o.name.en : o.name.ru}
                <div className="hint">{o.id}</div>
              </td>
              <td>{t(`ho.offers.status.${o.status}`)}</td>
              <td>{o.validity.from || o.validity.to ? `${o.validity.from ?? '…'} — ${o.validity.to ?? '…'}` : t('ho.offers.anyDate')}</td>
              <td>{t(`ho.editor.scope.${o.scope}`)}</td>
              <td>{describeEffect(o.effect, t, i18n.language, ctx.money)}</td>
              <td>{describeAudience(o.audience, t, tierName)}</td>
              <td className="actions">
                <button type="button" className="secondary" onClick={() => void open(o.id)} aria-label={`${t('ho.offers.edit')}: ${o.id}`}>
                  {t('ho.offers.edit')}
                </button>
                {o.status !== 'ended' && (
                  <button type="button" className="secondary" onClick={() => void end(o)}>
                    {t('ho.offers.end')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {list && list.offers.length === 0 && <p className="hint">{t('ho.common.none')}</p>}
      <ProgrammeSettings ctx={ctx} />
    </section>
  );
}
