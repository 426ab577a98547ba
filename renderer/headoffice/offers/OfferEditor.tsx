import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import type { Offer } from '../../../core/engine';
import { parseRoubles } from '../../../core/money';
import type { ApiError } from '../api';
import type { Ctx } from '../App';
import { Catalogue, type ProductItem } from '../reference';
import { describeAudience } from './describe';
import { EFFECT_TYPES, emptyForm, formToOffer, offerToForm, type EffectType, type FormField, type OfferForm } from './offerForm';
import { previewOffer, type SampleCustomer, type SampleLine } from './preview';

const Saved = z.object({ offer: z.unknown(), revision: z.string() });
const today = () => new Date().toISOString().slice(0, 10);

/** Product search against the catalogue, for the offer's products and the sample basket. */
function ProductSearch({ ctx, label, onPick }: { ctx: Ctx; label: string; onPick: (p: ProductItem) => void }) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [found, setFound] = useState<ProductItem[]>([]);
  useEffect(() => {
    if (q.trim().length < 2) return setFound([]);
    let live = true;
    const timer = setTimeout(() => {
      void ctx.api.call(Catalogue, 'GET', `/api/v1/admin/chains/${ctx.chainId}/catalogue`, { query: { q: q.trim(), limit: 8 } }).then((r) => {
        if (live && r.ok) setFound(r.value.products);
      });
    }, 200);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [q, ctx.api, ctx.chainId]);
  return (
    <div className="picker">
      <label>
        {label}
        <input type="search" value={q} onChange={(e) => setQ(e.target.value)} maxLength={100} />
      </label>
      {found.length > 0 && (
        <ul aria-label={label}>
          {found.map((p) => (
            <li key={p.id}>
              <button
                type="button"
                className="link"
                onClick={() => {
                  onPick(p);
                  setQ('');
                }}
              >
                {t('ho.editor.add')}: {p.name}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Field({ label, error, children, hint }: { label: string; error?: string | undefined; children: ReactNode; hint?: string }) {
  const { t } = useTranslation();
  return (
    <label className={error ? 'field invalid' : 'field'}>
      <span>{label}</span>
      {children}
      {hint && <small className="hint">{hint}</small>}
      {error && (
        <small className="error" role="alert">
          {t(`ho.errors.${error}`)}
        </small>
      )}
    </label>
  );
}

/**
 * The offer as a form (no JSON): where, when, who, which products, what it gives, limits and
 * stacking; beside it, the same engine the tills run prices a sample basket without and with
 * the offer, live. Publish stores it on the server; tills get it on their next pull.
 */
export function OfferEditor({
  ctx,
  initial,
  revision,
  segments = [],
  onClose,
}: {
  ctx: Ctx;
  initial: Offer | null;
  revision: string | null;
  /** A new offer's audience segments to start with (from the segments page). */
  segments?: string[];
  onClose: (published: Offer | null) => void;
}) {
  const { t, i18n } = useTranslation();
  const en = i18n.language === 'en';
  const [form, setForm] = useState<OfferForm>(() => (initial ? offerToForm(initial) : { ...emptyForm(), segments: segments.join(', ') }));
  const [names, setNames] = useState<Record<string, string>>(() => Object.fromEntries(ctx.ref.catalogue.products.map((p) => [p.id, p.name])));
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const firstStore = ctx.ref.stores[0];
  const [sample, setSample] = useState<SampleLine[]>(() =>
    ctx.ref.catalogue.products
      .filter((p) => p.priceKopecks !== null && !p.weighed)
      .slice(0, 3)
      .map((p) => ({ productId: p.id, name: p.name, categories: p.categories, unitPriceKopecks: p.priceKopecks ?? 0, quantityMilli: 1000, weighed: false })),
  );
  const [customer, setCustomer] = useState<SampleCustomer>({
    tierId: ctx.ref.programme.tiers[0]?.id ?? null,
    firstPurchase: false,
    birthdayToday: false,
    segments: [],
  });
  const [storeId, setStoreId] = useState(firstStore ? String(firstStore.id) : '1');
  const [date, setDate] = useState(() => initial?.validity.from ?? today());
  const [time, setTime] = useState('12:00');

  const set = <K extends keyof OfferForm>(key: K, value: OfferForm[K]) => setForm((f) => ({ ...f, [key]: value }));
  const toggle = <K extends 'regionIds' | 'storeIds' | 'tiers' | 'categories' | 'products'>(key: K, id: string) =>
    setForm((f) => ({ ...f, [key]: f[key].includes(id) ? f[key].filter((x) => x !== id) : [...f[key], id] }));
  const result = useMemo(() => formToOffer(form), [form]);
  const errors = submitted && !result.ok ? result.errors : {};
  const err = (f: FormField) => errors[f];
  const tierName = (id: string) => {
    const tier = ctx.ref.programme.tiers.find((x) => x.id === id);
    return tier ? (en ? tier.name.en : tier.name.ru) : id;
  };

  const store = ctx.ref.stores.find((s) => String(s.id) === storeId);
  const preview = useMemo(() => {
    if (!result.ok) return null;
    try {
      return previewOffer({
        programme: ctx.ref.programme,
        offer: result.offer,
        lines: sample,
        customer,
        store: { id: storeId, regionId: String(store?.regionId ?? 0) },
        date,
        time,
      });
    } catch {
      return null;
    }
  }, [result, sample, customer, storeId, store, date, time, ctx.ref.programme]);

  const publish = async () => {
    setSubmitted(true);
    if (!result.ok) return setError({ key: 'ho.errors.fixErrors' });
    setBusy(true);
    const headers: Record<string, string> = revision ? { 'if-match': `"${revision}"` } : { 'if-none-match': '*' };
    const r = await ctx.api.call(Saved, 'PUT', `/api/v1/admin/chains/${ctx.chainId}/offers/${encodeURIComponent(result.offer.id)}`, {
      body: result.offer,
      headers,
    });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    onClose(result.offer);
  };

  const heading = initial ? t('ho.editor.headingEdit', { name: en ? initial.name.en : initial.name.ru }) : t('ho.editor.headingNew');
  return (
    <section className="editor" aria-label={heading}>
      <h2>{heading}</h2>
      <div className="editor-grid">
        <form
          aria-label={t('ho.editor.form')}
          onSubmit={(e) => {
            e.preventDefault();
            void publish();
          }}
          noValidate
        >
          <fieldset>
            <legend>{t('ho.editor.sections.main')}</legend>
            <Field label={t('ho.editor.id')} error={err('id')} hint={t('ho.editor.idHint')}>
              <input value={form.id} onChange={(e) => set('id', e.target.value.trim())} readOnly={initial !== null} maxLength={200} spellCheck={false} />
            </Field>
            <Field label={t('ho.editor.nameRu')} error={err('nameRu')}>
              <input value={form.nameRu} onChange={(e) => set('nameRu', e.target.value)} maxLength={500} />
            </Field>
            <Field label={t('ho.editor.nameEn')} error={err('nameEn')}>
              <input value={form.nameEn} onChange={(e) => set('nameEn', e.target.value)} maxLength={500} />
            </Field>
          </fieldset>

          <fieldset>
            <legend>{t('ho.editor.sections.scope')}</legend>
            <div className="row" role="radiogroup" aria-label={t('ho.editor.sections.scope')}>
              {(['chain', 'regions', 'stores'] as const).map((s) => (
                <label key={s} className="inline">
                  <input type="radio" name="scope" checked={form.scope === s} onChange={() => set('scope', s)} /> {t(`ho.editor.scope.${s}`)}
                </label>
              ))}
            </div>
            {form.scope === 'regions' &&
              ctx.ref.regions.map((r) => (
                <label key={r.id} className="inline">
                  <input type="checkbox" checked={form.regionIds.includes(String(r.id))} onChange={() => toggle('regionIds', String(r.id))} /> {r.name}
                </label>
              ))}
            {form.scope === 'stores' &&
              ctx.ref.stores.map((s) => (
                <label key={s.id} className="inline">
                  <input type="checkbox" checked={form.storeIds.includes(String(s.id))} onChange={() => toggle('storeIds', String(s.id))} /> {s.name}
                </label>
              ))}
            {err('scope') && (
              <small className="error" role="alert">
                {t(`ho.errors.${err('scope')}`)}
              </small>
            )}
          </fieldset>

          <fieldset>
            <legend>{t('ho.editor.sections.time')}</legend>
            <div className="row">
              <Field label={t('ho.editor.from')} error={err('from')}>
                <input type="date" value={form.from} onChange={(e) => set('from', e.target.value)} />
              </Field>
              <Field label={t('ho.editor.to')} error={err('to')}>
                <input type="date" value={form.to} onChange={(e) => set('to', e.target.value)} />
              </Field>
            </div>
            <div className="row" role="group" aria-label={t('ho.editor.weekdays')}>
              <span>{t('ho.editor.weekdays')}</span>
              {(t('ho.editor.weekdayNames', { returnObjects: true }) as unknown as string[]).map((d, i) => (
                <label key={d} className="inline">
                  <input
                    type="checkbox"
                    checked={form.weekdays.includes(i + 1)}
                    onChange={() => set('weekdays', form.weekdays.includes(i + 1) ? form.weekdays.filter((x) => x !== i + 1) : [...form.weekdays, i + 1])}
                  />{' '}
                  {d}
                </label>
              ))}
            </div>
            <div className="row">
              <Field label={t('ho.editor.hoursFrom')} error={err('hoursFrom')}>
                <input type="time" value={form.hoursFrom} onChange={(e) => set('hoursFrom', e.target.value)} />
              </Field>
              <Field label={t('ho.editor.hoursTo')} error={err('hoursTo')}>
                <input type="time" value={form.hoursTo} onChange={(e) => set('hoursTo', e.target.value)} />
              </Field>
            </div>
          </fieldset>

          <fieldset>
            <legend>{t('ho.editor.sections.audience')}</legend>
            <p className="audience" aria-live="polite">
              {describeAudience(
                {
                  tiers: form.tiers,
                  segments: form.segments.split(/[,;\s]+/).filter(Boolean),
                  firstPurchase: form.firstPurchase,
                  birthday: form.birthday,
                  birthdayBefore: Number(form.birthdayBefore) || 0,
                  birthdayAfter: Number(form.birthdayAfter) || 0,
                  personal: form.customerIds !== null,
                  customerCount: form.customerIds?.length ?? null,
                },
                t,
                tierName,
              )}
            </p>
            <div className="row" role="group" aria-label={t('ho.editor.tiers')}>
              <span>{t('ho.editor.tiers')}</span>
              {ctx.ref.programme.tiers.map((tier) => (
                <label key={tier.id} className="inline">
                  <input type="checkbox" checked={form.tiers.includes(tier.id)} onChange={() => toggle('tiers', tier.id)} /> {en ? tier.name.en : tier.name.ru}
                </label>
              ))}
            </div>
            <Field label={t('ho.editor.segments')} error={err('segments')}>
              <input value={form.segments} onChange={(e) => set('segments', e.target.value)} maxLength={2000} />
            </Field>
            <label className="inline">
              <input type="checkbox" checked={form.firstPurchase} onChange={(e) => set('firstPurchase', e.target.checked)} /> {t('ho.editor.firstPurchase')}
            </label>
            <label className="inline">
              <input type="checkbox" checked={form.coupon} onChange={(e) => set('coupon', e.target.checked)} /> {t('ho.editor.coupon')}
            </label>
            <div className="row">
              <label className="inline">
                <input type="checkbox" checked={form.birthday} onChange={(e) => set('birthday', e.target.checked)} /> {t('ho.editor.birthday')}
              </label>
              {form.birthday && (
                <>
                  <Field label={t('ho.editor.birthdayBefore')} error={err('birthdayBefore')}>
                    <input inputMode="numeric" value={form.birthdayBefore} onChange={(e) => set('birthdayBefore', e.target.value)} size={3} />
                  </Field>
                  <Field label={t('ho.editor.birthdayAfter')} error={err('birthdayAfter')}>
                    <input inputMode="numeric" value={form.birthdayAfter} onChange={(e) => set('birthdayAfter', e.target.value)} size={3} />
                  </Field>
                </>
              )}
            </div>
            {form.customerIds && <p className="hint">{t('ho.editor.personal', { count: form.customerIds.length })}</p>}
          </fieldset>

          <fieldset>
            <legend>{t('ho.editor.sections.target')}</legend>
            <p className="hint">{t('ho.editor.targetHint')}</p>
            <div className="row" role="group" aria-label={t('ho.editor.categories')}>
              <span>{t('ho.editor.categories')}</span>
              {ctx.ref.catalogue.categories.map((c) => (
                <label key={c.id} className="inline">
                  <input type="checkbox" checked={form.categories.includes(c.id)} onChange={() => toggle('categories', c.id)} /> {c.name}
                </label>
              ))}
            </div>
            <span>{t('ho.editor.products')}</span>
            <ul className="chips" aria-label={t('ho.editor.products')}>
              {form.products.map((id) => (
                <li key={id}>
                  {names[id] ?? id}{' '}
                  <button type="button" className="link" aria-label={`${t('ho.editor.remove')}: ${names[id] ?? id}`} onClick={() => toggle('products', id)}>
                    ×
                  </button>
                </li>
              ))}
            </ul>
            <ProductSearch
              ctx={ctx}
              label={t('ho.editor.productSearch')}
              onPick={(p) => {
                setNames((n) => ({ ...n, [p.id]: p.name }));
                if (!form.products.includes(p.id)) toggle('products', p.id);
              }}
            />
          </fieldset>

          <fieldset>
            <legend>{t('ho.editor.sections.conditions')}</legend>
            <div className="row">
              <Field label={t('ho.editor.minReceipt')} error={err('minReceipt')}>
                <input inputMode="decimal" value={form.minReceipt} onChange={(e) => set('minReceipt', e.target.value)} />
              </Field>
              <Field label={t('ho.editor.minQuantity')} error={err('minQuantity')}>
                <input inputMode="decimal" value={form.minQuantity} onChange={(e) => set('minQuantity', e.target.value)} />
              </Field>
            </div>
          </fieldset>

          <fieldset>
            <legend>{t('ho.editor.sections.effect')}</legend>
            <div className="row">
              <Field label={t('ho.editor.effectKind')}>
                <select value={form.effect} onChange={(e) => set('effect', e.target.value as EffectType)}>
                  {EFFECT_TYPES.map((x) => (
                    <option key={x} value={x}>
                      {t(`ho.editor.effect.${x}`)}
                    </option>
                  ))}
                </select>
              </Field>
              {form.effect === 'nForM' ? (
                <>
                  <Field label={t('ho.editor.buy')} error={err('buy')}>
                    <input inputMode="numeric" value={form.buy} onChange={(e) => set('buy', e.target.value)} size={4} />
                  </Field>
                  <Field label={t('ho.editor.pay')} error={err('pay')}>
                    <input inputMode="numeric" value={form.pay} onChange={(e) => set('pay', e.target.value)} size={4} />
                  </Field>
                </>
              ) : form.effect === 'nextOrderCoupon' ? (
                <>
                  <Field label={t('ho.editor.couponOfferId')} error={err('couponOfferId')} hint={t('ho.editor.couponOfferHint')}>
                    <input value={form.couponOfferId} onChange={(e) => set('couponOfferId', e.target.value)} maxLength={200} />
                  </Field>
                  <Field label={t('ho.editor.validDays')} error={err('validDays')}>
                    <input inputMode="numeric" value={form.validDays} onChange={(e) => set('validDays', e.target.value)} size={4} />
                  </Field>
                  <label className="inline">
                    <input type="checkbox" checked={form.couponSms} onChange={(e) => set('couponSms', e.target.checked)} /> {t('ho.editor.couponSms')}
                  </label>
                </>
              ) : (
                <Field label={t(`ho.editor.effect.${form.effect}`)} error={err('value')}>
                  <input inputMode="decimal" value={form.value} onChange={(e) => set('value', e.target.value)} size={8} />
                </Field>
              )}
            </div>
          </fieldset>

          <fieldset>
            <legend>{t('ho.editor.sections.limits')}</legend>
            <div className="row">
              <Field label={t('ho.editor.limitPerCustomer')} error={err('limitPerCustomer')}>
                <input inputMode="numeric" value={form.limitPerCustomer} onChange={(e) => set('limitPerCustomer', e.target.value)} size={6} />
              </Field>
              <Field label={t('ho.editor.limitPeriodDays')} error={err('limitPeriodDays')}>
                <input inputMode="numeric" value={form.limitPeriodDays} onChange={(e) => set('limitPeriodDays', e.target.value)} size={6} />
              </Field>
            </div>
          </fieldset>

          <fieldset>
            <legend>{t('ho.editor.sections.stacking')}</legend>
            <Field label={t('ho.editor.priority')} error={err('priority')}>
              <input inputMode="numeric" value={form.priority} onChange={(e) => set('priority', e.target.value)} size={8} />
            </Field>
            <label className="inline">
              <input type="checkbox" checked={form.exclusive} onChange={(e) => set('exclusive', e.target.checked)} /> {t('ho.editor.exclusive')}
            </label>
          </fieldset>

          {error && (
            <p role="alert" className="error">
              {t(error.key, error.params)}
            </p>
          )}
          <div className="row">
            <button type="submit" disabled={busy}>
              {busy ? t('ho.editor.publishing') : t('ho.editor.publish')}
            </button>
            <button type="button" className="secondary" onClick={() => onClose(null)}>
              {t('ho.common.cancel')}
            </button>
          </div>
        </form>

        <aside className="preview" aria-label={t('ho.preview.heading')}>
          <h3>{t('ho.preview.heading')}</h3>
          <p className="hint">{t('ho.preview.hint')}</p>
          <div className="row">
            <label>
              {t('ho.preview.customer')}
              <select value={customer.tierId ?? ''} onChange={(e) => setCustomer((c) => ({ ...c, tierId: e.target.value === '' ? null : e.target.value }))}>
                <option value="">{t('ho.preview.noCard')}</option>
                {ctx.ref.programme.tiers.map((tier) => (
                  <option key={tier.id} value={tier.id}>
                    {t('ho.preview.tier', { tier: en ? tier.name.en : tier.name.ru })}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('ho.preview.store')}
              <select value={storeId} onChange={(e) => setStoreId(e.target.value)}>
                {ctx.ref.stores.map((s) => (
                  <option key={s.id} value={String(s.id)}>
                    {s.name}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <div className="row">
            <label className="inline">
              <input type="checkbox" checked={customer.firstPurchase} onChange={(e) => setCustomer((c) => ({ ...c, firstPurchase: e.target.checked }))} />{' '}
              {t('ho.preview.firstPurchase')}
            </label>
            <label className="inline">
              <input type="checkbox" checked={customer.birthdayToday} onChange={(e) => setCustomer((c) => ({ ...c, birthdayToday: e.target.checked }))} />{' '}
              {t('ho.preview.birthdayToday')}
            </label>
          </div>
          <div className="row">
            <label>
              {t('ho.preview.date')}
              <input type="date" value={date} onChange={(e) => setDate(e.target.value)} />
            </label>
            <label>
              {t('ho.preview.time')}
              <input type="time" value={time} onChange={(e) => setTime(e.target.value)} />
            </label>
          </div>
          <table aria-label={t('ho.preview.basket')}>
            <thead>
              <tr>
                <th>{t('ho.preview.product')}</th>
                <th>{t('ho.preview.price')}</th>
                <th>{t('ho.preview.quantity')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {sample.map((l, i) => (
                <tr key={`${l.productId}-${i}`}>
                  <td>{l.name}</td>
                  <td>
                    <input
                      aria-label={`${t('ho.preview.price')}: ${l.name}`}
                      inputMode="decimal"
                      size={8}
                      defaultValue={(l.unitPriceKopecks / 100).toFixed(2).replace('.', en ? '.' : ',')}
                      onChange={(e) => {
                        const k = parseRoubles(e.target.value);
                        if (k !== null && k >= 0) setSample((s) => s.map((x, j) => (j === i ? { ...x, unitPriceKopecks: k } : x)));
                      }}
                    />
                  </td>
                  <td>
                    <input
                      aria-label={`${t('ho.preview.quantity')}: ${l.name}`}
                      type="number"
                      min={1}
                      max={999}
                      size={4}
                      value={l.quantityMilli / 1000}
                      onChange={(e) => {
                        const n = Math.max(1, Math.min(999, Math.floor(Number(e.target.value) || 1)));
                        setSample((s) => s.map((x, j) => (j === i ? { ...x, quantityMilli: n * 1000 } : x)));
                      }}
                    />
                  </td>
                  <td>
                    <button
                      type="button"
                      className="link"
                      aria-label={`${t('ho.editor.remove')}: ${l.name}`}
                      onClick={() => setSample((s) => s.filter((_, j) => j !== i))}
                    >
                      ×
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <ProductSearch
            ctx={ctx}
            label={t('ho.preview.addProduct')}
            onPick={(p) =>
              setSample((s) => [
                ...s,
                { productId: p.id, name: p.name, categories: p.categories, unitPriceKopecks: p.priceKopecks ?? 10_000, quantityMilli: 1000, weighed: false },
              ])
            }
          />
          {!result.ok && <p className="hint">{t('ho.preview.invalid')}</p>}
          {result.ok && sample.length === 0 && <p className="hint">{t('ho.preview.empty')}</p>}
          {preview && (
            <>
              <p role="status" className={preview.applied ? 'ok' : 'hint'}>
                {preview.applied
                  ? t('ho.preview.applied', { discount: ctx.money(preview.extraDiscount), bonus: ctx.money(preview.extraAccrued) })
                  : t('ho.preview.notApplied')}
              </p>
              <table aria-label={t('ho.preview.table')}>
                <thead>
                  <tr>
                    <th />
                    <th>{t('ho.preview.without')}</th>
                    <th>{t('ho.preview.with')}</th>
                  </tr>
                </thead>
                <tbody>
                  {(
                    [
                      ['subtotal', 'subtotal'],
                      ['discount', 'discount'],
                      ['payable', 'payable'],
                      ['accrued', 'accrued'],
                    ] as const
                  ).map(([key, total]) => (
                    <tr key={key}>
                      <th scope="row">{t(`ho.preview.${key}`)}</th>
                      <td>{ctx.money(preview.without.totals[total])}</td>
                      <td>{ctx.money(preview.with.totals[total])}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <h4>{t('ho.preview.why')}</h4>
              <ul className="why">
                {preview.with.explanations.map((x, i) => (
                  <li key={i}>{en ? x.text.en : x.text.ru}</li>
                ))}
              </ul>
            </>
          )}
        </aside>
      </div>
    </section>
  );
}
