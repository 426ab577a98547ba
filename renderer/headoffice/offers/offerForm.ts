import { OfferSchema, type Offer, type OfferInput } from '../../../core/engine';
import { parseRoubles } from '../../../core/money';

/**
 * The offer editor's form, as text the person typed, and the engine's offer it stands for.
 * Percent and rouble fields are parsed exactly into basis points and kopecks (no floats);
 * the engine's own schema then checks the whole offer, and every error is put back on the
 * field it concerns, as an i18n key.
 */
export type EffectType = 'percentDiscount' | 'extraAccrual' | 'accrualMultiplier' | 'fixedBonus' | 'nForM' | 'nextOrderCoupon';
export const EFFECT_TYPES: readonly EffectType[] = ['percentDiscount', 'extraAccrual', 'accrualMultiplier', 'fixedBonus', 'nForM', 'nextOrderCoupon'];

export interface OfferForm {
  id: string;
  nameRu: string;
  nameEn: string;
  priority: string;
  exclusive: boolean;
  scope: 'chain' | 'regions' | 'stores';
  regionIds: string[];
  storeIds: string[];
  from: string;
  to: string;
  weekdays: number[];
  hoursFrom: string;
  hoursTo: string;
  tiers: string[];
  segments: string;
  firstPurchase: boolean;
  birthday: boolean;
  birthdayBefore: string;
  birthdayAfter: string;
  /** A coupon offer: only for a customer who presents one of its codes (audience.coupon). */
  coupon: boolean;
  /** A personal offer's customer ids are kept as they are; the form shows only their count. */
  customerIds: string[] | null;
  products: string[];
  categories: string[];
  minReceipt: string;
  minQuantity: string;
  effect: EffectType;
  /** Percent for discounts and extra accrual ("5", "2,5"), multiplier ("2", "1,5"), roubles for a fixed bonus. */
  value: string;
  buy: string;
  pay: string;
  /** A next-order coupon: the coupon offer its code unlocks, and for how many days from the next day. */
  couponOfferId: string;
  validDays: string;
  /** Also by SMS to a customer who agreed to SMS. */
  couponSms: boolean;
  limitPerCustomer: string;
  limitPeriodDays: string;
  /** Kept from the stored offer so a save never resets it. */
  version: number;
}

export type FormField = keyof OfferForm;
export type FormErrors = Partial<Record<FormField, string>>;

export function emptyForm(): OfferForm {
  return {
    id: '',
    nameRu: '',
    nameEn: '',
    priority: '0',
    exclusive: false,
    scope: 'chain',
    regionIds: [],
    storeIds: [],
    from: '',
    to: '',
    weekdays: [],
    hoursFrom: '',
    hoursTo: '',
    tiers: [],
    segments: '',
    firstPurchase: false,
    birthday: false,
    birthdayBefore: '0',
    birthdayAfter: '0',
    coupon: false,
    customerIds: null,
    products: [],
    categories: [],
    minReceipt: '',
    minQuantity: '',
    effect: 'percentDiscount',
    value: '10',
    buy: '3',
    pay: '2',
    couponOfferId: '',
    validDays: '14',
    couponSms: false,
    limitPerCustomer: '',
    limitPeriodDays: '',
    version: 0,
  };
}

/** "2,5" → 250 (hundredths), exactly; null when it is not a number with at most two decimals. */
export function parseHundredths(text: string): number | null {
  const m = /^(\d{1,7})(?:[.,](\d{1,2}))?$/.exec(text.trim());
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

function hundredthsText(n: number): string {
  const whole = Math.floor(n / 100);
  const frac = n % 100;
  return frac === 0 ? String(whole) : `${whole},${String(frac).padStart(2, '0').replace(/0$/, '')}`;
}

const intOf = (text: string): number | null => (/^-?\d{1,9}$/.test(text.trim()) ? Number(text.trim()) : null);

export function offerToForm(o: Offer): OfferForm {
  const f = emptyForm();
  const e = o.effect;
  return {
    ...f,
    id: o.id,
    version: o.version,
    nameRu: o.name.ru,
    nameEn: o.name.en,
    priority: String(o.priority),
    exclusive: o.exclusive,
    scope: o.scope.kind,
    regionIds: o.scope.kind === 'regions' ? o.scope.regionIds : [],
    storeIds: o.scope.kind === 'stores' ? o.scope.storeIds : [],
    from: o.validity.from ?? '',
    to: o.validity.to ?? '',
    weekdays: o.validity.weekdays ?? [],
    hoursFrom: o.validity.hours?.from ?? '',
    hoursTo: o.validity.hours?.to ?? '',
    tiers: o.audience.tiers ?? [],
    segments: (o.audience.segments ?? []).join(', '),
    firstPurchase: o.audience.firstPurchase,
    birthday: o.audience.birthday !== undefined,
    birthdayBefore: String(o.audience.birthday?.daysBefore ?? 0),
    birthdayAfter: String(o.audience.birthday?.daysAfter ?? 0),
    coupon: o.audience.coupon === true,
    customerIds: o.audience.customerIds ?? null,
    products: o.target.products,
    categories: o.target.categories,
    minReceipt: o.conditions.minReceiptKopecks !== undefined ? hundredthsText(o.conditions.minReceiptKopecks) : '',
    minQuantity: o.conditions.minQuantityMilli !== undefined ? String(o.conditions.minQuantityMilli / 1000) : '',
    effect: e.type === 'welcome' ? 'fixedBonus' : e.type,
    value:
      e.type === 'percentDiscount' || e.type === 'extraAccrual'
        ? hundredthsText(e.basisPoints)
        : e.type === 'accrualMultiplier'
          ? hundredthsText(e.percent)
          : e.type === 'fixedBonus' || e.type === 'welcome'
            ? hundredthsText(e.amountKopecks)
            : f.value,
    buy: e.type === 'nForM' ? String(e.buy) : f.buy,
    pay: e.type === 'nForM' ? String(e.pay) : f.pay,
    couponOfferId: e.type === 'nextOrderCoupon' ? e.couponOfferId : f.couponOfferId,
    validDays: e.type === 'nextOrderCoupon' ? String(e.validDays) : f.validDays,
    couponSms: e.type === 'nextOrderCoupon' && e.sms === true,
    limitPerCustomer: o.limit ? String(o.limit.perCustomer) : '',
    limitPeriodDays: o.limit?.periodDays !== undefined ? String(o.limit.periodDays) : '',
  };
}

/** Where an engine error path lands on the form. */
function fieldOf(path: readonly PropertyKey[]): FormField {
  const [a, b, c] = path.map(String);
  if (a === 'name') return b === 'en' ? 'nameEn' : 'nameRu';
  if (a === 'scope') return 'scope';
  if (a === 'validity') return b === 'hours' ? (c === 'from' ? 'hoursFrom' : 'hoursTo') : b === 'weekdays' ? 'weekdays' : b === 'from' ? 'from' : 'to';
  if (a === 'audience') return b === 'birthday' ? 'birthdayBefore' : b === 'segments' ? 'segments' : 'tiers';
  if (a === 'target') return b === 'categories' ? 'categories' : 'products';
  if (a === 'conditions') return b === 'minQuantityMilli' ? 'minQuantity' : 'minReceipt';
  if (a === 'effect') return b === 'pay' ? 'pay' : b === 'buy' ? 'buy' : b === 'couponOfferId' ? 'couponOfferId' : b === 'validDays' ? 'validDays' : 'value';
  if (a === 'limit') return b === 'periodDays' ? 'limitPeriodDays' : 'limitPerCustomer';
  if (a === 'priority') return 'priority';
  return 'id';
}

export type FormResult = { ok: true; offer: Offer } | { ok: false; errors: FormErrors };

/** The form as the engine's offer, or the fields that are wrong (values are i18n keys under `ho.errors`). */
export function formToOffer(f: OfferForm): FormResult {
  const errors: FormErrors = {};
  const need = <T>(field: FormField, v: T | null, key = 'number'): T | undefined => {
    if (v === null) errors[field] ??= key;
    return v ?? undefined;
  };
  let effect: OfferInput['effect'] | undefined;
  if (f.effect === 'nForM') {
    const buy = need('buy', intOf(f.buy));
    const pay = need('pay', intOf(f.pay));
    if (buy !== undefined && pay !== undefined) effect = { type: 'nForM', buy, pay };
  } else if (f.effect === 'nextOrderCoupon') {
    const validDays = need('validDays', intOf(f.validDays));
    if (!/^[A-Za-z0-9._-]{1,200}$/.test(f.couponOfferId.trim())) errors.couponOfferId ??= 'offerId';
    else if (f.couponOfferId.trim() === f.id) errors.couponOfferId ??= 'couponOfferSelf';
    if (validDays !== undefined) effect = { type: 'nextOrderCoupon', couponOfferId: f.couponOfferId.trim(), validDays, ...(f.couponSms ? { sms: true } : {}) };
  } else {
    const v = need('value', parseHundredths(f.value), f.effect === 'fixedBonus' ? 'roubles' : 'percent');
    if (v !== undefined) {
      effect =
        f.effect === 'fixedBonus'
          ? { type: 'fixedBonus', amountKopecks: v }
          : f.effect === 'accrualMultiplier'
            ? { type: 'accrualMultiplier', percent: v }
            : { type: f.effect, basisPoints: v };
    }
  }
  const minReceipt = f.minReceipt.trim() === '' ? undefined : need('minReceipt', parseRoubles(f.minReceipt), 'roubles');
  const minQuantity = f.minQuantity.trim() === '' ? undefined : need('minQuantity', parseHundredths(f.minQuantity));
  const priority = need('priority', intOf(f.priority || '0'));
  const perCustomer = f.limitPerCustomer.trim() === '' ? undefined : need('limitPerCustomer', intOf(f.limitPerCustomer));
  const periodDays = f.limitPeriodDays.trim() === '' ? undefined : need('limitPeriodDays', intOf(f.limitPeriodDays));
  if (periodDays !== undefined && perCustomer === undefined) errors.limitPerCustomer ??= 'limitNeedsUses';
  const segments = f.segments
    .split(/[,;\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  const before = f.birthday ? need('birthdayBefore', intOf(f.birthdayBefore)) : undefined;
  const after = f.birthday ? need('birthdayAfter', intOf(f.birthdayAfter)) : undefined;
  if ((f.hoursFrom === '') !== (f.hoursTo === '')) errors[f.hoursFrom === '' ? 'hoursFrom' : 'hoursTo'] ??= 'hoursBoth';
  if (f.scope === 'regions' && f.regionIds.length === 0) errors.scope ??= 'pickRegion';
  if (f.scope === 'stores' && f.storeIds.length === 0) errors.scope ??= 'pickStore';
  if (!/^[A-Za-z0-9._-]{1,200}$/.test(f.id)) errors.id ??= 'offerId';
  if (Object.keys(errors).length > 0 || effect === undefined) return { ok: false, errors };

  const input: OfferInput = {
    id: f.id,
    version: f.version,
    name: { ru: f.nameRu.trim(), en: f.nameEn.trim() },
    priority,
    exclusive: f.exclusive,
    scope:
      f.scope === 'chain' ? { kind: 'chain' } : f.scope === 'regions' ? { kind: 'regions', regionIds: f.regionIds } : { kind: 'stores', storeIds: f.storeIds },
    validity: {
      ...(f.from ? { from: f.from } : {}),
      ...(f.to ? { to: f.to } : {}),
      ...(f.weekdays.length > 0 ? { weekdays: [...f.weekdays].sort((a, b) => a - b) } : {}),
      ...(f.hoursFrom && f.hoursTo ? { hours: { from: f.hoursFrom, to: f.hoursTo } } : {}),
    },
    audience: {
      ...(f.tiers.length > 0 ? { tiers: f.tiers } : {}),
      ...(segments.length > 0 ? { segments } : {}),
      ...(f.customerIds ? { customerIds: f.customerIds } : {}),
      firstPurchase: f.firstPurchase,
      ...(f.coupon ? { coupon: true } : {}),
      ...(f.birthday && before !== undefined && after !== undefined ? { birthday: { daysBefore: before, daysAfter: after } } : {}),
    },
    target: { products: f.products, categories: f.categories },
    conditions: {
      ...(minReceipt !== undefined ? { minReceiptKopecks: minReceipt } : {}),
      ...(minQuantity !== undefined ? { minQuantityMilli: minQuantity * 10 } : {}),
    },
    effect,
    ...(perCustomer !== undefined ? { limit: { perCustomer, ...(periodDays !== undefined ? { periodDays } : {}) } } : {}),
  };
  const parsed = OfferSchema.safeParse(input);
  if (parsed.success) return { ok: true, offer: parsed.data };
  for (const issue of parsed.error.issues)
    errors[fieldOf(issue.path)] ??= issue.code === 'too_small' && issue.path[0] === 'name' ? 'required' : 'invalid_field';
  return { ok: false, errors };
}
