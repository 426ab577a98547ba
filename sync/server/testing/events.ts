import { randomUUID } from 'node:crypto';
import { parseOffers, parseProgramme, priceReceipt, priceReturn, type BasketLine, type Customer, type PricedReceipt } from '../../../core/engine';
import type { CardLinkEvent, ConsentEvent, ConsentRecord, RegistrationEvent, ReturnEvent, SaleEvent, SaleTotals } from '../../protocol/events';
import { DEMO_CATEGORIES, DEMO_OFFERS, DEMO_PROGRAMME, demoPrice, demoProduct } from '../demoSeed';
import type { SaleIdentity } from '../../protocol/phoneCodes';

/** Event builders that price like a till: the same engine, the demo programme and offers. */
const programme = (() => {
  const p = parseProgramme(DEMO_PROGRAMME);
  if (!p.ok) throw new Error('demo programme invalid');
  return p.value;
})();
const offers = (() => {
  const o = parseOffers(DEMO_OFFERS, programme);
  if (!o.ok) throw new Error('demo offers invalid');
  return o.value;
})();
export const demoRules = { programme, offers };

const parents = new Map(DEMO_CATEGORIES.map(([id, parent]) => [id, parent]));
function ancestry(id: string): string[] {
  const out: string[] = [];
  for (let c: string | null | undefined = id; c; c = parents.get(c)) out.push(c);
  return out;
}

/** Basket line for demo product n at the store's price; weighed goods in grams. */
export function line(n: number, quantity = 1, storeId = 1, lineId = `l${n}`): BasketLine {
  const p = demoProduct(n);
  return {
    lineId,
    productId: p.id,
    categories: ancestry(p.category),
    unitPriceKopecks: demoPrice(n, storeId),
    quantityMilli: p.weighed ? quantity * 1000 + 250 : quantity * 1000,
    weighed: p.weighed,
  };
}

export function consents(marketing: Partial<Record<'sms' | 'email' | 'push' | 'messenger', boolean>> = {}, at = new Date()): ConsentRecord[] {
  const givenAt = at.toISOString();
  return [
    { purpose: 'personal_data', channel: null, granted: true, textVersion: 'pd-2025-01', givenAt },
    ...Object.entries(marketing).map(([channel, granted]) => ({
      purpose: 'marketing' as const,
      channel: channel as ConsentRecord['channel'],
      granted: Boolean(granted),
      textVersion: 'mk-2025-01',
      givenAt,
    })),
  ];
}

export interface SaleOptions {
  storeId?: number;
  /** The server id ("42") or a till-made uuid; null for a sale without a card. */
  customerId: string | null;
  /** What the till believes the customer may spend. */
  available?: number;
  rollingSpend?: number;
  purchaseCount?: number;
  /** The customer's birthday as the till knows it (day and month); absent: none on file. */
  birthday?: { month: number; day: number } | null;
  lines: BasketLine[];
  redeem?: number | 'max';
  online?: boolean;
  at?: Date;
  receiptId?: string;
  eventId?: string;
  /** Override what the till reports (to simulate a till that priced differently). */
  totals?: Partial<SaleTotals>;
  /** How the till identified the customer (issue 13); absent: a till from before it, flagged on a spend. */
  identity?: SaleIdentity;
}

/** A sale as a till would push it, priced by the engine. Returns the till's priced receipt too. */
export function sale(o: SaleOptions): { event: SaleEvent; priced: PricedReceipt } {
  const storeId = o.storeId ?? 1;
  const at = o.at ?? new Date();
  const customer: Customer | null =
    o.customerId === null
      ? null
      : {
          id: o.customerId,
          availableBonusKopecks: o.available ?? 0,
          rollingSpendKopecks: o.rollingSpend ?? 0,
          segments: [],
          purchaseCount: o.purchaseCount ?? 1,
          birthday: o.birthday ?? null,
        };
  const input = {
    receiptId: o.receiptId ?? `r-${randomUUID()}`,
    store: { id: String(storeId), regionId: String(storeId) },
    at: { kind: 'instant' as const, instant: at.toISOString(), timeZone: 'Europe/Moscow' },
    customer,
    lines: o.lines,
    redeem: o.redeem ?? 0,
    online: o.online ?? true,
    offlineAllowanceKopecks: programme.offlineAllowanceKopecks,
    usage: {},
  };
  const priced = priceReceipt({ ...input, programme, offers });
  const t = priced.totals;
  const totals = { payable: t.payable, redeemed: t.redeemed, accrued: t.accrued, discount: t.discount, ...o.totals };
  return {
    priced,
    event: {
      eventId: o.eventId ?? randomUUID(),
      occurredAt: at.toISOString(),
      type: 'sale',
      sale: input,
      totals,
      payment: { method: 'card', amountKopecks: totals.payable },
      ...(o.identity ? { identity: o.identity } : {}),
    },
  };
}

export function registration(o: {
  customerId?: string;
  phone: string;
  firstName?: string;
  card?: string;
  welcome?: number;
  eventId?: string;
  at?: Date;
  email?: string;
}): RegistrationEvent {
  const at = o.at ?? new Date();
  return {
    eventId: o.eventId ?? randomUUID(),
    occurredAt: at.toISOString(),
    type: 'registration',
    customerId: o.customerId ?? randomUUID(),
    firstName: o.firstName ?? 'Вера',
    phone: o.phone,
    ...(o.email ? { email: o.email } : {}),
    ...(o.card ? { cardNumber: o.card } : {}),
    consents: consents({ sms: true, email: false }, at),
    welcomeBonusKopecks: o.welcome ?? 20_000,
  };
}

export function saleReturn(
  original: { event: SaleEvent; priced: PricedReceipt },
  lines: { lineId: string; quantityMilli: number }[],
  previous: ReturnType<typeof priceReturn>[] = [],
  eventId = randomUUID(),
): { event: ReturnEvent; priced: ReturnType<typeof priceReturn> } {
  const priced = priceReturn(original.priced, lines, previous);
  return {
    priced,
    event: {
      eventId,
      occurredAt: new Date().toISOString(),
      type: 'return',
      returnId: `ret-${eventId.slice(0, 8)}`,
      original: { eventId: original.event.eventId, receiptId: original.event.sale.receiptId },
      lines,
      totals: { refund: priced.totals.refund, restoredBonus: priced.totals.restoredBonus, reversedAccrual: priced.totals.reversedAccrual },
    },
  };
}

export function cardLink(customerId: string, kind: 'card' | 'bank', key: string, eventId = randomUUID()): CardLinkEvent {
  return { eventId, occurredAt: new Date().toISOString(), type: 'cardLink', customerId, kind, key };
}

export function consentChange(customerId: string, channel: 'sms' | 'email' | 'push' | 'messenger', granted: boolean, eventId = randomUUID()): ConsentEvent {
  const givenAt = new Date().toISOString();
  return {
    eventId,
    occurredAt: givenAt,
    type: 'consent',
    customerId,
    consent: { purpose: 'marketing', channel, granted, textVersion: 'mk-2025-01', givenAt },
  };
}

export const DAY = 86_400_000;
export const daysAgo = (d: number): Date => new Date(Date.now() - d * DAY);
