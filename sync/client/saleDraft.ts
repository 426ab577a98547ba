import { randomId } from './ids';
import type { BasketItem } from './records';
import {
  indexOffers,
  personalOffers,
  priceReceipt,
  toLocal,
  type Customer,
  type Offer,
  type OfferIndex,
  type PricedReceipt,
  type Programme,
  type SaleInput,
} from '../../core/engine';
import { dayNumberOf, daysInMonth, type LocalDateTime } from '../../core/engine/time';
import { limitedOffers, rollingSpend, usageAt, type CustomerContext } from '../../core/loyalty/customerContext';
import { dailyCapNote, dailySpendLeft, type RecentRedemption } from '../../core/loyalty/dailySpend';
import { closestUpsell, expiryPrompt, type ExpiryPrompt, type UpsellPrompt } from '../../core/loyalty/prompts';
import type { MonthDay } from '../protocol/schemas';
import type { SaleEvent } from '../protocol/events';
import type { ProductItem } from '../protocol/pull';
import type { SaleCoupon } from './coupons';

export type { BasketItem } from './records';

export interface DraftCustomer {
  id: string;
  tier: string;
  /** Spendable now as this till knows it: server balance plus this till's unacknowledged deltas. */
  available: number;
  /** Month and day, so birthday offers apply offline; null or absent when unknown. */
  birthday?: MonthDay | null | undefined;
  /**
   * Segments, purchases, spend and limited-offer uses (sync/client/customerContext.ts). Absent:
   * not known, so the till assumes the least (a returning customer in no segment, no uses).
   */
  context?: (CustomerContext & { recentRedemptions?: readonly RecentRedemption[] }) | undefined;
  /** Coupons accepted for this sale (sync/client/coupons.ts): their offers apply, the server checks the codes again. */
  coupons?: readonly SaleCoupon[] | undefined;
}

export interface SaleContext {
  storeId: number;
  regionId: string;
  timeZone: string;
  programme: Programme;
  offers: OfferIndex;
  /** Offers with a per-customer limit, whose uses the context counts. */
  limited: Offer[];
  online: boolean;
}

export function saleContext(
  terminal: { storeId: number; regionId?: string | undefined; storeTimeZone: string },
  programme: Programme,
  offers: readonly Offer[],
  online: boolean,
): SaleContext {
  return {
    storeId: terminal.storeId,
    regionId: terminal.regionId ?? 'none',
    timeZone: terminal.storeTimeZone,
    programme,
    offers: indexOffers(offers),
    limited: limitedOffers(offers),
    online,
  };
}

/** The most one line holds: 999 pieces or 999 kg. */
export const LINE_MAX_MILLI = 999_000;

/**
 * Add a product: a piece line gains the pieces (one unless a quantity was typed first); weighed
 * goods always get a line of their own. A line with a price set by hand is never merged into.
 */
export function addProduct(items: readonly BasketItem[], product: ProductItem, quantityMilli = 1_000): BasketItem[] {
  const existing = !product.weighed && items.find((i) => i.product.id === product.id && i.manualPriceKopecks === undefined);
  if (existing) return items.map((i) => (i === existing ? { ...i, quantityMilli: Math.min(i.quantityMilli + quantityMilli, LINE_MAX_MILLI) } : i));
  return [...items, { lineId: randomId(), product, quantityMilli }];
}

/** The line a product just went to (merged into or added last). */
export function lineOf(items: readonly BasketItem[], productId: string): BasketItem | undefined {
  return [...items].reverse().find((i) => i.product.id === productId);
}

export function setQuantity(items: readonly BasketItem[], lineId: string, quantityMilli: number): BasketItem[] {
  if (quantityMilli <= 0) return items.filter((i) => i.lineId !== lineId);
  return items.map((i) => (i.lineId === lineId ? { ...i, quantityMilli } : i));
}

/**
 * The customer as the engine sees them at this till, as the server will (saleOutcome.ts): the
 * tier from the context (the server's, lifted by this till's own sales since) or else the cached
 * one, and the period's spend never below that tier's threshold.
 */
function engineCustomer(ctx: SaleContext, customer: DraftCustomer): Customer {
  const c = customer.context;
  const tier = c?.tier ?? customer.tier;
  return {
    id: customer.id,
    availableBonusKopecks: Math.max(0, customer.available),
    rollingSpendKopecks: rollingSpend(ctx.programme, tier, c?.spendKopecks ?? 0),
    segments: c?.segments ?? [],
    purchaseCount: c?.purchaseCount ?? 1,
    birthday: customer.birthday ?? null,
    ...(customer.coupons?.length ? { couponOffers: [...new Set(customer.coupons.map((c) => c.offerId))] } : {}),
  };
}

function localNow(ctx: SaleContext, now: Date): LocalDateTime {
  return toLocal({ kind: 'instant', instant: now.toISOString(), timeZone: ctx.timeZone });
}

/** Price the basket with the engine, exactly as the server will check it. */
export function priceDraft(
  ctx: SaleContext,
  items: readonly BasketItem[],
  customer: DraftCustomer | null,
  redeem: number | 'max',
  receiptId: string,
  now: Date,
): { input: SaleInput; priced: PricedReceipt } {
  const local = localNow(ctx, now);
  const input: SaleInput = {
    receiptId,
    store: { id: String(ctx.storeId), regionId: ctx.regionId },
    at: { kind: 'local', year: local.year, month: local.month, day: local.day, hour: local.hour, minute: local.minute },
    customer: customer ? engineCustomer(ctx, customer) : null,
    lines: items.map((i) => ({
      lineId: i.lineId,
      productId: i.product.id,
      categories: i.product.categories,
      unitPriceKopecks: i.manualPriceKopecks ?? i.product.priceKopecks,
      quantityMilli: i.quantityMilli,
      weighed: i.product.weighed,
    })),
    redeem,
    online: ctx.online,
    offlineAllowanceKopecks: ctx.programme.offlineAllowanceKopecks,
    usage: customer?.context ? usageAt(customer.context, ctx.limited, now.getTime()) : {},
    ...(customer?.coupons?.length ? { coupons: customer.coupons.map((c) => ({ code: c.code, offerId: c.offerId })) } : {}),
  };
  const priced = priceReceipt({ ...input, programme: ctx.programme, offers: ctx.offers });
  return withinDailyCap(ctx, input, priced, customer?.context?.recentRedemptions ?? [], now);
}

/**
 * The chain's daily spend cap, enforced here too (offline as well), so a sale is never refused
 * by the server after the customer has left: spending is held to what is left today, and the
 * sale screen says why.
 */
function withinDailyCap(
  ctx: SaleContext,
  input: SaleInput,
  priced: PricedReceipt,
  recent: readonly RecentRedemption[],
  now: Date,
): { input: SaleInput; priced: PricedReceipt } {
  const cap = ctx.programme.dailySpendCapKopecks;
  if (cap === undefined || !input.customer) return { input, priced };
  const left = dailySpendLeft(cap, recent, now.getTime());
  if (priced.maxRedeemable <= left) return { input, priced };
  const note = dailyCapNote(cap, left, ctx.programme.bonusUnitKopecks);
  const redeem = input.redeem === 'max' ? left : Math.min(input.redeem, left);
  const held = redeem === input.redeem ? priced : priceReceipt({ ...input, redeem, programme: ctx.programme, offers: ctx.offers });
  return {
    input: { ...input, redeem },
    priced: { ...held, maxRedeemable: left, explanations: [...held.explanations.filter((e) => e.code !== 'redemptionClamped'), note] },
  };
}

/** The event that goes into the outbox when the customer has paid. */
export function saleEvent(input: SaleInput, priced: PricedReceipt, payment: SaleEvent['payment'], now: Date): SaleEvent {
  const t = priced.totals;
  return {
    eventId: randomId(),
    occurredAt: now.toISOString(),
    type: 'sale',
    sale: { ...input, redeem: t.redeemed },
    totals: { payable: t.payable, redeemed: t.redeemed, accrued: t.accrued, discount: t.discount },
    payment,
  };
}

/** What the customer panel shows beyond the cached fields, for one customer. */
export interface CustomerPanelInfo {
  customerId: string;
  /** Offers aimed at this customer in person or at their birthday, open here and now. */
  offers: Offer[];
  /** Days from today (the store's calendar) to the next birthday, 0 on the day; null without one. */
  birthdayInDays: number | null;
  /** The offer with a minimum receipt the basket is nearest to ("ещё 150 ₽ до ..."), if any. */
  upsell?: UpsellPrompt | null;
  /** Bonuses burning within the chain's warning window ("сгорит 300 бонусов 12 декабря"), if any. */
  expiry?: (ExpiryPrompt & { month: number; day: number; bonuses: number }) | null;
}

/** Days from `today` to the next occurrence of a yearly date; 29 February falls on the 28th in other years. */
export function daysToNext(today: LocalDateTime, date: MonthDay): number {
  for (const y of [today.year, today.year + 1]) {
    const diff = dayNumberOf(y, date.month, Math.min(date.day, daysInMonth(y, date.month))) - today.dayNumber;
    if (diff >= 0) return diff;
  }
  return 365; // not reached: next year's date is always ahead
}

/** The engine decides which offers apply (same rules as pricing); nothing here re-states them. */
/** What the panel shows: `eligibleSubtotalKopecks` is the basket without excluded lines, before discounts. */
export function customerPanel(ctx: SaleContext, customer: Omit<DraftCustomer, 'available'>, now: Date, eligibleSubtotalKopecks = 0): CustomerPanelInfo {
  const local = localNow(ctx, now);
  const who = {
    customer: engineCustomer(ctx, { ...customer, available: 0 }),
    store: { id: String(ctx.storeId), regionId: ctx.regionId },
    at: { kind: 'local' as const, year: local.year, month: local.month, day: local.day, hour: local.hour, minute: local.minute },
  };
  const offers = personalOffers(ctx.programme, ctx.offers, who);
  const usage = customer.context ? usageAt(customer.context, ctx.limited, now.getTime()) : {};
  return {
    customerId: customer.id,
    offers,
    birthdayInDays: customer.birthday ? daysToNext(local, customer.birthday) : null,
    upsell: closestUpsell(ctx.programme, ctx.offers, { ...who, usage }, eligibleSubtotalKopecks),
    expiry: expiryOn(ctx, expiryPrompt(customer.context?.expiring, now.getTime(), ctx.programme.expiryWarningDays)),
  };
}

/** The prompt with the store's calendar day the bonuses burn on and their count in displayed bonuses. */
function expiryOn(ctx: SaleContext, p: ExpiryPrompt | null): CustomerPanelInfo['expiry'] {
  if (!p) return null;
  const d = localNow(ctx, new Date(p.atMs));
  return { ...p, month: d.month, day: d.day, bonuses: p.amountKopecks / ctx.programme.bonusUnitKopecks };
}
