import {
  EngineInputError,
  makeLot,
  nextOrderCoupons,
  priceReceipt,
  tierForSpend,
  usesInPeriod,
  type Customer,
  type NextOrderCoupon,
  type PricedReceipt,
  type Programme,
} from '../../../core/engine';
import type { AppliedResult, SaleEvent, SaleFiscal, SaleTotals } from '../../protocol/events';
import type { Sql } from '../db/database';
import { cashierIsCustomer } from '../cashiers';
import type { ExceptionDraft } from '../exceptions';
import { DAY_MS, type CustomerBook } from '../ledger';
import type { ChainRules } from '../rules';
import type { TerminalContext } from '../terminals';
import { engineStore, tillInstantMs } from './context';
import type { LockedCustomer } from './customerRef';
import { postedReceipt } from './postedReceipt';
import { reject } from './rejection';
import { ownsKeyIn, spendProof, type OwnsKey } from './spendProof';
import { phoneSpendAllowance } from '../../protocol/phoneCodes';

/**
 * What a sale does, decided in memory from what the database said about its customer: the
 * same rules whether the sale is applied alone (applySale) or with a batch (saleBatch).
 *
 * A sale reaches the ledger with the TILL's bonus figures: the customer saw them, paid money
 * by them and holds a fiscal receipt with them. The server prices the sale again with its
 * own programme, offers, balance and usage, keeps both, and flags every difference:
 * - spent bonuses are posted as the till granted them; what the balance cannot cover is
 *   accepted up to the programme's offline allowance (a negative balance, flagged), beyond
 *   that the sale is rejected;
 * - earned bonuses are posted as the till showed them, but at most the server's figure plus
 *   the same allowance, so a faulty or forged till cannot mint bonuses without bound.
 */

/** The first check, before the customer is even looked at. */
export function checkSaleStore(terminal: TerminalContext, ev: SaleEvent): void {
  if (ev.sale.store.id !== String(terminal.storeId)) {
    reject('wrong_store', `This terminal sells for store ${terminal.storeId}, not "${ev.sale.store.id}".`);
  }
}

/** When the sale happened, by the till's clock, never later than the server's. */
export function saleInstantMs(ev: SaleEvent, nowMs: number): number {
  return tillInstantMs(ev.sale.at.kind === 'instant' ? ev.sale.at.instant : ev.occurredAt, nowMs);
}

/** The tier period before the sale: receipts in it count towards the customer's spend. */
export function spendWindow(programme: Programme, soldAtMs: number): { fromMs: number; toMs: number } {
  return { fromMs: soldAtMs - programme.tierPeriodDays * DAY_MS, toMs: soldAtMs };
}

export interface SaleSubject {
  /** The customer, locked; null for a sale without a card. */
  customer: LockedCustomer | null;
  /** The customer's book, open under the lock (null without a customer). Mutated when the sale applies. */
  book: CustomerBook | null;
  /** Eligible net of the customer's receipts in `spendWindow` of this sale. */
  spendInWindow: number;
  /** When the customer used each limited offer (ms since the epoch). */
  offerUses: ReadonlyMap<string, readonly number[]>;
  /** The event's cashier when they are one of the terminal's store (see eventCashier). */
  cashierId: number | null;
  /** Coupon offers the sale's codes unlocked here (coupons.ts claimSaleCoupons); absent: none. */
  couponOffers?: readonly string[];
}

/** The receipt row, as `insertReceipts` writes it. */
export interface ReceiptRow {
  eventId: string;
  receiptId: string;
  customerId: number | null;
  soldAtMs: number;
  sale: SaleEvent['sale'];
  till: SaleTotals;
  server: PricedReceipt['totals'];
  posted: PricedReceipt;
  difference: Record<string, { till: number; server: number }> | null;
  eligibleNet: number;
  payment: SaleEvent['payment'];
  takes: { lotId: string; amount: number }[];
  accrualLotId: number | null;
  cashierId: number | null;
  /** The sale's fiscal document as the till's register recorded it; null: no register. */
  fiscal: SaleFiscal | null;
}

/**
 * What deciding a sale asks the database beyond the customer's book. Alone, each is a query
 * (`databaseLookups`); a batch of sales reads them all in one round trip (saleBatch.ts), since
 * nothing in a run of sales changes them but its own redemptions, which the book counts.
 */
export interface SaleLookups {
  owns: OwnsKey;
  /** Bonuses the customer spent (redemptions posted) since the instant, before this transaction's own. */
  redeemedSince(customerId: number, sinceMs: number): Promise<number>;
  cashierIsCustomer(cashierId: number, customerId: number): Promise<boolean>;
}

export function databaseLookups(tx: Sql, chainId: number): SaleLookups {
  return {
    owns: ownsKeyIn(tx, chainId),
    async redeemedSince(customerId, sinceMs) {
      const [row] = await tx.query<{ spent: string | number }>(
        `SELECT COALESCE(-sum(amount), 0) AS spent FROM ledger WHERE customer_id = $1 AND kind = 'redemption' AND created_at > $2::timestamptz`,
        [customerId, new Date(sinceMs).toISOString()],
      );
      return Number(row?.spent ?? 0);
    },
    cashierIsCustomer: (cashierId, customerId) => cashierIsCustomer(tx, cashierId, customerId),
  };
}

export interface SaleDecision {
  receipt: ReceiptRow;
  /** Limited offers the sale used, to count against the customer. */
  usedOffers: string[];
  /** A higher tier the sale's spend reached, if any. */
  tier: string | null;
  flags: ExceptionDraft[];
  result: AppliedResult;
  /** Next-order coupons the sale earns by the server's pricing, derived only when the till printed some (nextOrderCoupons.ts). */
  nextOrder: NextOrderCoupon[];
}

/**
 * Price the sale again, check the till's figures and post them to the customer's book (in
 * memory; the caller writes the book). Throws a Rejection, with the book possibly changed:
 * callers roll it back (a savepoint, or the book's checkpoint).
 */
export async function decideSale(
  tx: Sql,
  input: {
    terminal: TerminalContext;
    rules: ChainRules;
    ev: SaleEvent;
    eventId: string;
    nowMs: number;
    subject: SaleSubject;
    /** Where the extra checks read from; default: a query each. */
    lookups?: SaleLookups;
  },
): Promise<SaleDecision> {
  const { terminal, rules, ev, nowMs } = input;
  const lookups = input.lookups ?? databaseLookups(tx, terminal.chainId);
  const { customer, book, cashierId } = input.subject;
  const { programme } = rules;
  const sale = ev.sale;
  const till = ev.totals;
  const soldAtMs = saleInstantMs(ev, nowMs);

  if (!customer && (till.redeemed > 0 || till.accrued > 0)) {
    reject('totals_inconsistent', 'A sale without a loyalty customer cannot spend or earn bonuses.');
  }
  book?.settle();

  const engineCustomer = customer && book ? customerForEngine(customer, book, rules, input.subject, soldAtMs) : null;
  let server: PricedReceipt;
  try {
    server = priceReceipt({
      ...sale,
      store: engineStore(terminal),
      customer: engineCustomer?.customer ?? null,
      usage: engineCustomer?.usage ?? {},
      offlineAllowanceKopecks: programme.offlineAllowanceKopecks,
      programme,
      offers: rules.index,
    });
  } catch (err) {
    if (err instanceof EngineInputError) reject('sale_invalid', err.message);
    throw err;
  }

  const subtotal = server.totals.subtotal;
  if (!Number.isSafeInteger(subtotal) || !Number.isSafeInteger(server.totals.accrued)) {
    reject('sale_invalid', 'The basket adds up to more than the server can count in kopecks.');
  }
  if (till.payable + till.redeemed + till.discount !== subtotal) {
    reject('totals_inconsistent', `payable + redeemed + discount = ${till.payable + till.redeemed + till.discount}, but the lines add up to ${subtotal}.`);
  }
  const eligibleAmount = server.lines.reduce((s, l) => s + (l.excluded ? 0 : l.net), 0);
  if (till.redeemed > eligibleAmount) {
    reject('totals_inconsistent', `${till.redeemed} kopecks of bonuses spent on ${eligibleAmount} kopecks of eligible goods.`);
  }

  const flags: ExceptionDraft[] = [];
  const difference = compareTotals(till, server);
  if (difference) flags.push({ kind: 'price_difference', customerId: customer?.id ?? null, details: { receiptId: sale.receiptId, difference } });
  // Paid: the money and the gift certificates' parts.
  const paid = ev.payment.amountKopecks + (ev.payment.certificates ?? []).reduce((s, c) => s + c.amountKopecks, 0);
  if (paid < till.payable) {
    flags.push({ kind: 'payment_mismatch', details: { receiptId: sale.receiptId, payable: till.payable, paid } });
  }

  const allowance = programme.offlineAllowanceKopecks;
  const accrued = Math.min(till.accrued, server.totals.accrued + allowance);
  if (accrued < till.accrued) {
    flags.push({
      kind: 'accrual_clamped',
      customerId: customer?.id ?? null,
      details: { receiptId: sale.receiptId, till: till.accrued, server: server.totals.accrued, posted: accrued },
    });
  }

  // A spend by a customer known only by a phone number needs the phone's SMS code (issue 13):
  // without it, only the chain's small allowance, flagged; beyond it the sale is refused.
  const proof =
    customer && till.redeemed > 0 ? await spendProof(tx, { terminal, customerId: customer.id, ev, eventId: input.eventId, soldAtMs }, lookups.owns) : null;
  if (customer && proof === 'unproven') {
    const cap = phoneSpendAllowance(programme);
    if (till.redeemed > cap) {
      reject('spend_needs_phone_code', `${till.redeemed} kopecks spent by a typed phone without its SMS code; the allowance is ${cap}.`);
    }
    flags.push({ kind: 'phone_spend_unconfirmed', customerId: customer.id, details: { receiptId: sale.receiptId, redeemed: till.redeemed, allowance: cap } });
  }
  // A spend that does not say how the customer was identified (a till from before issue 13, or
  // one that left the field out): applied as an 'unknown' method, never lost (such events may have
  // waited offline since before the upgrade), and flagged for head office with what was spent.
  if (customer && proof === 'legacy') {
    flags.push({ kind: 'spend_identity_unknown', customerId: customer.id, details: { receiptId: sale.receiptId, redeemed: till.redeemed, method: 'unknown' } });
  }

  // The chain's cap on what one customer may spend in a day (issue 13), over every till: the
  // redemptions the server posted in the 24 hours before this sale, with this batch's own.
  const dailyCap = programme.dailySpendCapKopecks;
  if (customer && book && till.redeemed > 0 && dailyCap !== undefined) {
    const spentToday = (await lookups.redeemedSince(customer.id, nowMs - DAY_MS)) + book.unwrittenRedemptions();
    if (spentToday + till.redeemed > dailyCap) {
      reject(
        'daily_spend_cap',
        `${till.redeemed} kopecks of bonuses on top of ${spentToday} spent in the last 24 hours: the chain's daily cap is ${dailyCap}.`,
      );
    }
  }

  let takes: { lotId: string; amount: number }[] = [];
  let accrualLotId: number | null = null;
  if (customer && book) {
    const spendable = book.spendableInLots();
    const shortfall = Math.max(0, till.redeemed - spendable);
    if (shortfall > allowance) {
      reject(
        'redemption_exceeds_allowance',
        `${till.redeemed} kopecks spent with ${Math.max(0, book.balance.available)} available: ${shortfall} over the balance, the offline allowance is ${allowance}.`,
      );
    }
    takes = book.spend('redemption', till.redeemed).takes;
    if (shortfall > 0) {
      flags.push({
        kind: 'overdraft',
        customerId: customer.id,
        details: { receiptId: sale.receiptId, redeemed: till.redeemed, shortfall, balanceAfter: book.balance.available },
      });
    }
    const lot = makeLot(programme, { id: 'new', amount: accrued, earnedAtMs: soldAtMs });
    accrualLotId = await book.credit(tx, 'accrual', accrued, lot);
    book.settle();
  }

  const posted = postedReceipt(server, { redeemed: till.redeemed, accrued: customer ? accrued : 0 });
  if (ev.cashierId !== undefined && cashierId === null)
    flags.push({ kind: 'cashier_unknown', details: { receiptId: sale.receiptId, cashierId: ev.cashierId } });
  if (customer && cashierId !== null && (await lookups.cashierIsCustomer(cashierId, customer.id))) {
    flags.push({
      kind: 'cashier_own_card',
      customerId: customer.id,
      details: { receiptId: sale.receiptId, cashierId: String(cashierId), redeemed: till.redeemed },
    });
  }

  const tier =
    customer && engineCustomer ? upgradedTier(programme, customer.tier, engineCustomer.customer.rollingSpendKopecks + server.totals.eligibleNet) : null;
  const limited = new Set(rules.limited.map((o) => o.id));
  const usedOffers = customer ? server.appliedOffers.filter((o) => limited.has(o.id)).map((o) => o.id) : [];
  const balance = customer && book ? book.balance : null;
  const nextOrder = ev.nextOrderCoupons?.length
    ? nextOrderCoupons(programme, rules.index, { store: engineStore(terminal), at: sale.at, customer: engineCustomer?.customer ?? null }, server, {
        eventId: input.eventId,
        timeZone: terminal.timeZone,
      })
    : [];
  return {
    nextOrder,
    receipt: {
      eventId: input.eventId,
      receiptId: sale.receiptId,
      customerId: customer?.id ?? null,
      soldAtMs,
      sale,
      till,
      server: server.totals,
      posted,
      difference,
      eligibleNet: server.totals.eligibleNet,
      payment: ev.payment,
      takes,
      accrualLotId,
      cashierId,
      fiscal: ev.fiscal ?? null,
    },
    usedOffers,
    tier,
    flags,
    result: {
      type: 'sale',
      customerId: customer ? String(customer.id) : null,
      posted: { redeemed: till.redeemed, accrued: customer ? accrued : 0 },
      balance: balance ? { available: balance.available, pending: balance.pending } : null,
      flags: flags.map((f) => f.kind),
    },
  };
}

/** The customer as the server knows them, in the engine's terms, with offer usage. */
function customerForEngine(
  c: LockedCustomer,
  book: CustomerBook,
  rules: ChainRules,
  subject: SaleSubject,
  soldAtMs: number,
): { customer: Customer; usage: Record<string, number> } {
  const { programme } = rules;
  // A tier granted by head office (or the demo) is a floor; spend in the period can lift it.
  const floor = programme.tiers.find((t) => t.id === c.tier)?.minSpendKopecks ?? 0;
  const usage: Record<string, number> = {};
  for (const offer of rules.limited) {
    const times = subject.offerUses.get(offer.id);
    if (times && times.length > 0) usage[offer.id] = usesInPeriod(offer, [...times], soldAtMs);
  }
  return {
    customer: {
      id: String(c.id),
      availableBonusKopecks: Math.max(0, book.balance.available),
      rollingSpendKopecks: Math.max(subject.spendInWindow, floor),
      segments: c.segments,
      purchaseCount: c.purchaseCount,
      birthday: c.birthday,
      ...(subject.couponOffers?.length ? { couponOffers: [...subject.couponOffers] } : {}),
    },
    usage,
  };
}

function compareTotals(till: SaleTotals, server: PricedReceipt): Record<string, { till: number; server: number }> | null {
  const diff: Record<string, { till: number; server: number }> = {};
  for (const k of ['payable', 'redeemed', 'accrued', 'discount'] as const) {
    if (till[k] !== server.totals[k]) diff[k] = { till: till[k], server: server.totals[k] };
  }
  return Object.keys(diff).length > 0 ? diff : null;
}

/** Tiers only go up with a sale; going down as spend leaves the period is head office's call. */
function upgradedTier(programme: Programme, current: string, spend: number): string | null {
  const next = tierForSpend(programme, spend);
  const rank = (id: string) => programme.tiers.findIndex((t) => t.id === id);
  return rank(next.id) > rank(current) ? next.id : null;
}
