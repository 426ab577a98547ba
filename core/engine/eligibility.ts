import type { Tier } from './programme';
import type { LineFilter, Offer } from './offers';
import type { Customer, Store } from './input';
import { inYearlyWindow, parseClock, parseIsoDate, type LocalDateTime } from './time';

/**
 * Offers compiled once for fast pricing: dates and hours turned into numbers, id lists
 * into sets, and an index from product and category to the offers that target them,
 * so a basket only looks at offers its lines can reach.
 */
export interface CompiledOffer {
  readonly offer: Offer;
  /** Position in priority order (priority desc, then id asc) within OfferIndex.offers (or .welcome, .nextOrder). */
  readonly rank: number;
  readonly fromDay: number | null;
  readonly toDay: number | null;
  readonly weekdays: number; // bit mask, bit d set for ISO weekday d; 0 = any
  readonly hoursFrom: number | null;
  readonly hoursTo: number | null;
  readonly stores: ReadonlySet<string> | null;
  readonly regions: ReadonlySet<string> | null;
  readonly tiers: ReadonlySet<string> | null;
  readonly segments: ReadonlySet<string> | null;
  readonly customers: ReadonlySet<string> | null;
  readonly target: CompiledFilter;
  readonly requires: CompiledFilter | null;
}

export interface CompiledFilter {
  readonly all: boolean;
  readonly products: ReadonlySet<string>;
  readonly categories: ReadonlySet<string>;
}

export interface OfferIndex {
  readonly kind: 'offerIndex';
  /** Sale offers in priority order. */
  readonly offers: readonly CompiledOffer[];
  readonly byProduct: ReadonlyMap<string, readonly CompiledOffer[]>;
  readonly byCategory: ReadonlyMap<string, readonly CompiledOffer[]>;
  /** Sale offers that target every line. */
  readonly everyLine: readonly CompiledOffer[];
  /** Welcome offers in priority order. */
  readonly welcome: readonly CompiledOffer[];
  /** Next-order coupon offers in priority order (nextOrder.ts): they issue a coupon, never price a line. */
  readonly nextOrder: readonly CompiledOffer[];
}

function compileFilter(f: LineFilter): CompiledFilter {
  return {
    all: f.products.length === 0 && f.categories.length === 0,
    products: new Set(f.products),
    categories: new Set(f.categories),
  };
}

export function compareOffers(a: Offer, b: Offer): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function push<K>(map: Map<K, CompiledOffer[]>, key: K, o: CompiledOffer): void {
  const list = map.get(key);
  if (list) list.push(o);
  else map.set(key, [o]);
}

/** Build the index. Offers must come from parseOffers; the index is immutable. */
export function indexOffers(offers: readonly Offer[]): OfferIndex {
  const sorted = [...offers].sort(compareOffers);
  const compile = (offer: Offer, rank: number): CompiledOffer => {
    const v = offer.validity;
    const a = offer.audience;
    let weekdays = 0;
    for (const d of v.weekdays ?? []) weekdays |= 1 << d;
    return {
      offer,
      rank,
      fromDay: v.from ? parseIsoDate(v.from) : null,
      toDay: v.to ? parseIsoDate(v.to) : null,
      weekdays,
      hoursFrom: v.hours ? parseClock(v.hours.from) : null,
      hoursTo: v.hours ? parseClock(v.hours.to) : null,
      stores: offer.scope.kind === 'stores' ? new Set(offer.scope.storeIds) : null,
      regions: offer.scope.kind === 'regions' ? new Set(offer.scope.regionIds) : null,
      tiers: a.tiers ? new Set(a.tiers) : null,
      segments: a.segments ? new Set(a.segments) : null,
      customers: a.customerIds ? new Set(a.customerIds) : null,
      target: compileFilter(offer.target),
      requires: offer.conditions.requires ? compileFilter(offer.conditions.requires) : null,
    };
  };
  // Ranks are positions in each list, so a rank indexes straight into `offers`.
  const saleOffers = sorted.filter((o) => o.effect.type !== 'welcome' && o.effect.type !== 'nextOrderCoupon').map(compile);
  const welcome = sorted.filter((o) => o.effect.type === 'welcome').map(compile);
  const nextOrder = sorted.filter((o) => o.effect.type === 'nextOrderCoupon').map(compile);
  const byProduct = new Map<string, CompiledOffer[]>();
  const byCategory = new Map<string, CompiledOffer[]>();
  const everyLine: CompiledOffer[] = [];
  for (const c of saleOffers) {
    if (c.target.all) everyLine.push(c);
    for (const p of c.target.products) push(byProduct, p, c);
    for (const cat of c.target.categories) push(byCategory, cat, c);
  }
  return { kind: 'offerIndex', offers: saleOffers, byProduct, byCategory, everyLine, welcome, nextOrder };
}

export function inScope(c: CompiledOffer, store: Store): boolean {
  if (c.stores) return c.stores.has(store.id);
  if (c.regions) return c.regions.has(store.regionId);
  return true;
}

export function inTimeWindow(c: CompiledOffer, t: LocalDateTime): boolean {
  if (c.fromDay !== null && t.dayNumber < c.fromDay) return false;
  if (c.toDay !== null && t.dayNumber > c.toDay) return false;
  if (c.weekdays !== 0 && (c.weekdays & (1 << t.weekday)) === 0) return false;
  if (c.hoursFrom !== null && c.hoursTo !== null) {
    const m = t.minuteOfDay;
    const inside = c.hoursFrom < c.hoursTo ? m >= c.hoursFrom && m < c.hoursTo : m >= c.hoursFrom || m < c.hoursTo;
    if (!inside) return false;
  }
  return true;
}

export function inAudience(c: CompiledOffer, customer: Customer, tier: Tier, t: LocalDateTime): boolean {
  const a = c.offer.audience;
  if (c.tiers && !c.tiers.has(tier.id)) return false;
  if (c.customers && !c.customers.has(customer.id)) return false;
  if (c.segments) {
    const segs = c.segments;
    if (!customer.segments.some((s) => segs.has(s))) return false;
  }
  if (a.firstPurchase && customer.purchaseCount !== 0) return false;
  if (a.coupon && !customer.couponOffers?.includes(c.offer.id)) return false;
  if (a.birthday) {
    const b = customer.birthday;
    if (!b || !inYearlyWindow(t, b.month, b.day, a.birthday.daysBefore, a.birthday.daysAfter)) return false;
  }
  return true;
}

/** Scope, time and audience: everything about an offer that does not depend on the basket. */
export function offerOpenTo(c: CompiledOffer, store: Store, t: LocalDateTime, customer: Customer, tier: Tier): boolean {
  return inScope(c, store) && inTimeWindow(c, t) && inAudience(c, customer, tier, t);
}

export function limitReached(offer: Offer, usage: Readonly<Record<string, number>>): boolean {
  if (!offer.limit) return false;
  return (usage[offer.id] ?? 0) >= offer.limit.perCustomer;
}

/**
 * How many times a customer used an offer in its limit period ending at `nowMs`, from the
 * times of their uses (epoch ms). Without a period every use counts.
 */
export function usesInPeriod(offer: Offer, usedAtMs: readonly number[], nowMs: number): number {
  const days = offer.limit?.periodDays;
  if (days === undefined) return usedAtMs.length;
  const from = nowMs - days * 86_400_000;
  return usedAtMs.filter((t) => t > from && t <= nowMs).length;
}

export function filterMatches(f: CompiledFilter, productId: string, categories: readonly string[]): boolean {
  if (f.all || f.products.has(productId)) return true;
  for (const c of categories) if (f.categories.has(c)) return true;
  return false;
}
