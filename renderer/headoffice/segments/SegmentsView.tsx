import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { LIFECYCLE, SegmentRulesSchema, type Lifecycle } from '../../../core/loyalty/segments';
import { SegmentCounts, SegmentsRun } from '../../../sync/protocol/segments';
import type { ApiError } from '../api';
import type { Ctx } from '../App';
import { OFFER_SEGMENT_KEY } from '../offers/OffersView';
import { formToRules, rulesToForm, segmentTable, type RulesErrors, type RulesField, type RulesForm } from './segmentsModel';

const SCORES = ['r', 'f', 'm'] as const;
const CUTS = ['recencyDays', 'frequency', 'monetaryRoubles'] as const;

/** Head office's view of the segments job: customers per segment, store and region, RFM scores, the thresholds, a run now. */
export function SegmentsView({ ctx }: { ctx: Ctx }) {
  const { t } = useTranslation();
  const base = `/api/v1/admin/chains/${ctx.chainId}`;
  const [counts, setCounts] = useState<SegmentCounts | null>(null);
  const [form, setForm] = useState<RulesForm | null>(null);
  const [errors, setErrors] = useState<RulesErrors>({});
  const [by, setBy] = useState<'store' | 'region'>('store');
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const loadCounts = useCallback(async () => {
    const r = await ctx.api.call(SegmentCounts, 'GET', `${base}/segments`);
    if (!r.ok) return setError(r.error);
    setError(null);
    setCounts(r.value);
  }, [ctx.api, base]);
  useEffect(() => {
    void loadCounts();
    void ctx.api.call(SegmentRulesSchema, 'GET', `${base}/segment-rules`).then((r) => (r.ok ? setForm(rulesToForm(r.value)) : setError(r.error)));
  }, [ctx.api, base, loadCounts]);

  const run = async () => {
    setBusy(true);
    setNotice(null);
    const r = await ctx.api.call(SegmentsRun, 'POST', `${base}/segments/run`);
    setBusy(false);
    if (!r.ok) return setError(r.error);
    setNotice(t('ho.segments.ran', { customers: r.value.customers, changed: r.value.changed }));
    await loadCounts();
  };
  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!form) return;
    const checked = formToRules(form);
    setNotice(null);
    if (!checked.ok) return setErrors(checked.errors);
    setErrors({});
    setBusy(true);
    const r = await ctx.api.call(SegmentRulesSchema, 'PUT', `${base}/segment-rules`, { body: checked.value });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    setError(null);
    setForm(rulesToForm(r.value));
    setNotice(t('ho.segments.saved'));
  };
  const offerFor = (segment: string) => {
    sessionStorage.setItem(OFFER_SEGMENT_KEY, segment);
    location.hash = '#offers';
  };

  const table = counts ? segmentTable(counts, ctx.ref.stores, ctx.ref.regions, by) : null;
  const totalOf = (l: Lifecycle) => counts?.bySegment.find((s) => s.lifecycle === l)?.customers ?? 0;
  const fmt = (n: number) => n.toLocaleString(ctx.locale);
  const set = (field: Exclude<RulesField, (typeof CUTS)[number]>, value: string) => setForm((f) => (f ? { ...f, [field]: value } : f));
  const setCut = (field: (typeof CUTS)[number], i: number, value: string) =>
    setForm((f) => (f ? { ...f, [field]: f[field].map((v, j) => (j === i ? value : v)) } : f));
  const fieldError = (field: RulesField) =>
    errors[field] ? (
      <span className="error" role="alert" id={`seg-${field}-error`}>
        {t(`ho.segments.errors.${errors[field]}`)}
      </span>
    ) : null;

  return (
    <section aria-labelledby="segments-heading">
      <h2 id="segments-heading">{t('ho.segments.heading')}</h2>
      <div className="toolbar">
        <span className="hint">
          {counts?.computedAt
            ? t('ho.segments.computedAt', { when: new Date(counts.computedAt).toLocaleString(ctx.locale) })
            : counts && t('ho.segments.neverComputed')}
        </span>
        <button type="button" onClick={() => void run()} disabled={busy}>
          {t('ho.segments.run')}
        </button>
      </div>
      {notice && <p role="status">{notice}</p>}
      {error && (
        <p role="alert" className="error">
          {t(error.key, error.params)}
        </p>
      )}

      {counts && (
        <table aria-label={t('ho.segments.bySegment')}>
          <thead>
            <tr>
              <th>{t('ho.segments.columns.segment')}</th>
              <th>{t('ho.segments.columns.customers')}</th>
              <th>{t('ho.segments.columns.offer')}</th>
            </tr>
          </thead>
          <tbody>
            {LIFECYCLE.map((l) => (
              <tr key={l}>
                <th scope="row">
                  {t(`ho.segments.lifecycle.${l}`)}
                  <div className="hint">{t(`ho.segments.meaning.${l}`)}</div>
                </th>
                <td>{fmt(totalOf(l))}</td>
                <td>
                  <button type="button" className="secondary" onClick={() => offerFor(l)}>
                    {t('ho.segments.createOffer')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h3>{t('ho.segments.whereHeading')}</h3>
      <div className="row">
        {(['store', 'region'] as const).map((b) => (
          <button key={b} type="button" aria-pressed={by === b} className={by === b ? '' : 'secondary'} onClick={() => setBy(b)}>
            {t(`ho.segments.by.${b}`)}
          </button>
        ))}
      </div>
      <p className="hint">{t('ho.segments.whereHint')}</p>
      {table && (
        <div className="scroll">
          <table aria-label={t(`ho.segments.by.${by}`)} className="figures">
            <thead>
              <tr>
                <th>{t(by === 'store' ? 'ho.common.store' : 'ho.common.region')}</th>
                {LIFECYCLE.map((l) => (
                  <th key={l}>{t(`ho.segments.lifecycle.${l}`)}</th>
                ))}
                <th>{t('ho.segments.columns.total')}</th>
              </tr>
            </thead>
            <tbody>
              {table.rows.map((r) => (
                <tr key={r.key}>
                  <th scope="row">{r.label ?? t(by === 'store' ? 'ho.segments.noPurchase' : 'ho.segments.noRegion')}</th>
                  {LIFECYCLE.map((l) => (
                    <td key={l}>{fmt(r.cells[l])}</td>
                  ))}
                  <td>{fmt(r.total)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">{t('ho.segments.columns.total')}</th>
                {LIFECYCLE.map((l) => (
                  <td key={l}>{fmt(table.totals[l])}</td>
                ))}
                <td>{fmt(table.total)}</td>
              </tr>
            </tfoot>
          </table>
        </div>
      )}

      <h3>{t('ho.segments.rfmHeading')}</h3>
      <p className="hint">{t('ho.segments.rfmHint')}</p>
      {counts && (
        <table aria-label={t('ho.segments.rfmHeading')}>
          <thead>
            <tr>
              <th>{t('ho.segments.columns.score')}</th>
              {[1, 2, 3, 4, 5].map((s) => (
                <th key={s}>{s}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {SCORES.map((k) => (
              <tr key={k}>
                <th scope="row">{t(`ho.segments.scores.${k}`)}</th>
                {counts.rfm[k].map((n, i) => (
                  <td key={i}>{fmt(n)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h3 id="segment-rules-heading">{t('ho.segments.rulesHeading')}</h3>
      {form && (
        <form className="card" aria-labelledby="segment-rules-heading" onSubmit={(e) => void save(e)} noValidate>
          <p className="hint">{t('ho.segments.rulesHint')}</p>
          {(['newDays', 'activeDays', 'lostDays', 'periodDays'] as const).map((f) => (
            <label key={f}>
              {t(`ho.segments.rules.${f}`)}
              <input
                inputMode="numeric"
                value={form[f]}
                onChange={(e) => set(f, e.target.value)}
                maxLength={5}
                aria-invalid={errors[f] ? true : undefined}
                aria-describedby={errors[f] ? `seg-${f}-error` : undefined}
              />
              {fieldError(f)}
            </label>
          ))}
          {CUTS.map((f) => (
            <fieldset key={f}>
              <legend>{t(`ho.segments.rules.${f}`)}</legend>
              {form[f].map((v, i) => (
                <label key={i}>
                  {t('ho.segments.rules.cut', { n: i + 1 })}
                  <input
                    inputMode={f === 'monetaryRoubles' ? 'decimal' : 'numeric'}
                    value={v}
                    onChange={(e) => setCut(f, i, e.target.value)}
                    maxLength={14}
                    aria-invalid={errors[f] ? true : undefined}
                  />
                </label>
              ))}
              {fieldError(f)}
            </fieldset>
          ))}
          {Object.keys(errors).length > 0 && <p className="error">{t('ho.segments.errors.fix')}</p>}
          <button type="submit" disabled={busy}>
            {t('ho.segments.save')}
          </button>
        </form>
      )}
    </section>
  );
}
