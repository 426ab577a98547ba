import {
  EngineInputError, makeLot, priceReceipt, tierForSpend, usesInPeriod, type Customer, type PricedReceipt, type Programme,
} from '../../../core/engine';
import type { AppliedResult, SaleEvent, SaleTotals } from '../../protocol/events';
import type { Sql } from '../db/database';
import type { ExceptionDraft } from '../exceptions';
import { CustomerBook, DAY_MS } from '../ledger';
import type { ChainRules } from '../rules';
import { eventCashier } from '../cashiers';
import { engineStore, flag, rulesOf, tillInstantMs, type EventContext } from './context';
import { lockCustomer, lockedCustomer, type LockedCustomer } from './customerRef';
import { postedReceipt } from './postedReceipt';
import { reject } from './rejection';

/**
 * A sale reaches the ledger with the TILL's bonus figures: the customer saw them, paid money
 * by them and holds a fiscal receipt with them. The server prices the sale again with its
 * own programme, offers, balance and usage, keeps both, and flags every difference:
 * - spent bonuses are posted as the till granted them; what the balance cannot cover is
 *   accepted up to the programme's offline allowance (a negative balance, flagged), beyond
 *   that the sale is rejected;
 * - earned bonuses are posted as the till showed them, but at most the server's figure plus
 *   the same allowance, so a faulty or forged till cannot mint bonuses without bound.
 */
export async function applySale(ctx: EventContext, ev: SaleEvent): Promise<AppliedResult> {
  const { tx, terminal, nowMs } = ctx;
  const sale = ev.sale;
  if (sale.store.id !== String(terminal.storeId)) {
    reject('wrong_store', `This terminal sells for store ${terminal.storeId}, not "${sale.store.id}".`);
  }
  const rules = rulesOf(ctx);
  const { programme } = rules;
  const till = ev.totals;
  const soldAtMs = tillInstantMs(sale.at.kind === 'instant' ? sale.at.instant : ev.occurredAt, nowMs);

  const ref = sale.customer?.id ?? null;
  const customer = ref === null ? null : ctx.locked ? lockedCustomer(ctx.locked, ref) : await lockCustomer(tx, terminal.chainId, ref);
  if (!customer && (till.redeemed > 0 || till.accrued > 0)) {
    reject('totals_inconsistent', 'A sale without a loyalty customer cannot spend or earn bonuses.');
  }
  const spendWindow = { fromMs: soldAtMs - programme.tierPeriodDays * DAY_MS, toMs: soldAtMs };
  const book = customer ? await CustomerBook.open(tx, customer.id, nowMs, { spendWindow }) : null;
  book?.settle();

  const engineCustomer = customer && book ? await customerForEngine(tx, customer, book, rules, soldAtMs) : null;
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
  if (ev.payment.amountKopecks < till.payable) {
    flags.push({ kind: 'payment_mismatch', details: { receiptId: sale.receiptId, payable: till.payable, paid: ev.payment.amountKopecks } });
  }

  const allowance = programme.offlineAllowanceKopecks;
  const accrued = Math.min(till.accrued, server.totals.accrued + allowance);
  if (accrued < till.accrued) {
    flags.push({ kind: 'accrual_clamped', customerId: customer?.id ?? null, details: { receiptId: sale.receiptId, till: till.accrued, server: server.totals.accrued, posted: accrued } });
  }

  let takes: { lotId: string; amount: number }[] = [];
  let accrualLotId: number | null = null;
  if (customer && book) {
    const spendable = book.spendableInLots();
    const shortfall = Math.max(0, till.redeemed - spendable);
    if (shortfall > allowance) {
      reject('redemption_exceeds_allowance', `${till.redeemed} kopecks spent with ${Math.max(0, book.balance.available)} available: ${shortfall} over the balance, the offline allowance is ${allowance}.`);
    }
    takes = book.spend('redemption', till.redeemed).takes;
    if (shortfall > 0) {
      flags.push({ kind: 'overdraft', customerId: customer.id, details: { receiptId: sale.receiptId, redeemed: till.redeemed, shortfall, balanceAfter: book.balance.available } });
    }
    const lot = makeLot(programme, { id: 'new', amount: accrued, earnedAtMs: soldAtMs });
    accrualLotId = await book.credit(tx, 'accrual', accrued, lot);
    book.settle();
  }

  const posted = postedReceipt(server, { redeemed: till.redeemed, accrued: customer ? accrued : 0 });
  const cashierId = await eventCashier(tx, terminal.storeId, ev.cashierId);
  if (ev.cashierId !== undefined && cashierId === null) flags.push({ kind: 'cashier_unknown', details: { receiptId: sale.receiptId, cashierId: ev.cashierId } });
  try {
    await tx.query(
      `INSERT INTO receipts (event_id, chain_id, receipt_id, terminal_id, store_id, customer_id, sold_at, sale, till_totals,
                             server_totals, posted, difference, eligible_net, payment, redemption_takes, accrual_lot_id, cashier_id)
       VALUES ($1, $2, $3, $4, $5, $6, to_timestamp($7 / 1000.0), $8::jsonb, $9::jsonb, $10::jsonb, $11::jsonb, $12::jsonb,
               $13, $14::jsonb, $15::jsonb, $16, $17)`,
      [
        ctx.eventId, terminal.chainId, sale.receiptId, terminal.terminalId, terminal.storeId, customer?.id ?? null, soldAtMs,
        JSON.stringify(sale), JSON.stringify(till), JSON.stringify(server.totals), JSON.stringify(posted),
        difference ? JSON.stringify(difference) : null, server.totals.eligibleNet, JSON.stringify(ev.payment),
        JSON.stringify(takes), accrualLotId, cashierId,
      ],
    );
  } catch (err) {
    if ((err as { constraint?: unknown }).constraint === 'receipts_terminal_receipt') {
      reject('receipt_id_reused', `Receipt "${sale.receiptId}" was already pushed by this terminal under another event id.`);
    }
    throw err;
  }

  let balance = null;
  if (customer && book && engineCustomer) {
    const tier = upgradedTier(programme, customer.tier, engineCustomer.customer.rollingSpendKopecks + server.totals.eligibleNet);
    balance = await book.flush(tx, { eventId: ctx.eventId, terminalId: terminal.terminalId, receiptId: sale.receiptId }, { purchases: 1, tier: tier ?? undefined });
    await recordOfferUses(tx, customer.id, rules, server, soldAtMs, ctx.eventId);
  }
  await flag(ctx, flags);
  return {
    type: 'sale',
    customerId: customer ? String(customer.id) : null,
    posted: { redeemed: till.redeemed, accrued: customer ? accrued : 0 },
    balance: balance ? { available: balance.available, pending: balance.pending } : null,
    flags: flags.map((f) => f.kind),
  };
}

/** The customer as the server knows them, in the engine's terms, with offer usage. */
async function customerForEngine(
  tx: Sql,
  c: LockedCustomer,
  book: CustomerBook,
  rules: ChainRules,
  soldAtMs: number,
): Promise<{ customer: Customer; usage: Record<string, number> }> {
  const { programme } = rules;
  // A tier granted by head office (or the demo) is a floor; spend in the period can lift it.
  const floor = programme.tiers.find((t) => t.id === c.tier)?.minSpendKopecks ?? 0;
  const usage: Record<string, number> = {};
  if (rules.limited.length > 0) {
    const rows = await tx.query<{ offer_id: string; times: number[] }>(
      `SELECT offer_id, array_agg((extract(epoch FROM used_at) * 1000)::float8) AS times FROM offer_uses
       WHERE customer_id = $1 AND offer_id = ANY($2::text[]) GROUP BY offer_id`,
      [c.id, rules.limited.map((o) => o.id)],
    );
    for (const r of rows) {
      const offer = rules.limited.find((o) => o.id === r.offer_id);
      if (offer) usage[r.offer_id] = usesInPeriod(offer, r.times.map(Number), soldAtMs);
    }
  }
  return {
    customer: {
      id: String(c.id),
      availableBonusKopecks: Math.max(0, book.balance.available),
      rollingSpendKopecks: Math.max(book.spendInWindow, floor),
      segments: c.segments,
      purchaseCount: c.purchaseCount,
      birthday: c.birthday,
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

async function recordOfferUses(tx: Sql, customerId: number, rules: ChainRules, server: PricedReceipt, atMs: number, eventId: string): Promise<void> {
  const limited = new Set(rules.limited.map((o) => o.id));
  const used = server.appliedOffers.filter((o) => limited.has(o.id)).map((o) => o.id);
  if (used.length === 0) return;
  await tx.query(
    `INSERT INTO offer_uses (customer_id, offer_id, used_at, event_id)
     SELECT $1, o, to_timestamp($3 / 1000.0), $4 FROM unnest($2::text[]) AS o`,
    [customerId, used, atMs, eventId],
  );
}
