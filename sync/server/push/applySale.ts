import type { AppliedResult, SaleEvent } from '../../protocol/events';
import { eventCashier } from '../cashiers';
import { settleSaleCertificates } from '../certificates';
import { claimSaleCoupons } from '../coupons';
import { issueNextOrderCoupons } from '../nextOrderCoupons';
import { CustomerBook } from '../ledger';
import { flag, rulesOf, type EventContext } from './context';
import { lockCustomer, lockedCustomer } from './customerRef';
import { reject } from './rejection';
import { checkSaleStore, decideSale, saleInstantMs, spendWindow } from './saleOutcome';
import { insertReceipts, loadOfferUses } from './saleRecords';

/**
 * One sale in its own transaction (see saleOutcome.ts for what a sale posts and why). Most
 * sales arrive in runs and are applied by saleBatch.ts; this path serves a sale on its own
 * and every sale of a run the batch could not apply as a whole.
 */
export async function applySale(ctx: EventContext, ev: SaleEvent): Promise<AppliedResult> {
  const { tx, terminal, nowMs } = ctx;
  checkSaleStore(terminal, ev);
  const rules = rulesOf(ctx);
  const ref = ev.sale.customer?.id ?? null;
  const customer = ref === null ? null : ctx.locked ? lockedCustomer(ctx.locked, ref) : await lockCustomer(tx, terminal.chainId, ref);
  const book = customer ? await CustomerBook.open(tx, customer.id, nowMs, { spendWindow: spendWindow(rules.programme, saleInstantMs(ev, nowMs)) }) : null;
  const used = customer
    ? await loadOfferUses(
        tx,
        [customer.id],
        rules.limited.map((o) => o.id),
      )
    : new Map<number, Map<string, number[]>>();
  const cashierId = await eventCashier(tx, terminal.storeId, ev.cashierId);
  // Codes presented: checked again and single-use ones taken for this sale (given back with the savepoint if it is rejected).
  const coupons = ev.sale.coupons?.length
    ? await claimSaleCoupons(tx, {
        chainId: terminal.chainId,
        eventId: ctx.eventId,
        customerId: customer?.id ?? null,
        segments: customer?.segments ?? [],
        soldAtMs: saleInstantMs(ev, nowMs),
        sale: ev.sale,
      })
    : null;
  const decided = await decideSale(tx, {
    terminal,
    rules,
    ev,
    eventId: ctx.eventId,
    nowMs,
    subject: {
      customer,
      book,
      spendInWindow: book?.spendInWindow ?? 0,
      offerUses: (customer && used.get(customer.id)) || new Map(),
      cashierId,
      ...(coupons ? { couponOffers: coupons.offerIds } : {}),
    },
  });

  const uses = customer
    ? decided.usedOffers.map((offerId) => ({ customerId: customer.id, offerId, atMs: decided.receipt.soldAtMs, eventId: ctx.eventId }))
    : [];
  try {
    await insertReceipts(tx, terminal, [decided.receipt], uses);
  } catch (err) {
    if ((err as { constraint?: unknown }).constraint === 'receipts_terminal_receipt') {
      reject('receipt_id_reused', `Receipt "${ev.sale.receiptId}" was already pushed by this terminal under another event id.`);
    }
    throw err;
  }
  if (customer && book) {
    await book.flush(
      tx,
      { eventId: ctx.eventId, terminalId: terminal.terminalId, receiptId: ev.sale.receiptId },
      { purchases: 1, tier: decided.tier ?? undefined },
    );
  }
  // Certificates sold (activated) and parts paid (redeemed again under the till's hold id): never below zero, conflicts flagged.
  const certificates = await settleSaleCertificates(tx, terminal, ev);
  // Next-order coupons the receipt printed: issued once if the server's pricing earns them too.
  const nextOrder = ev.nextOrderCoupons?.length
    ? await issueNextOrderCoupons(tx, {
        chainId: terminal.chainId,
        eventId: ctx.eventId,
        customerId: customer?.id ?? null,
        sale: ev,
        earned: decided.nextOrder,
      })
    : null;
  await flag(ctx, [...(coupons?.flags ?? []), ...decided.flags, ...certificates, ...(nextOrder?.flags ?? [])]);
  return decided.result;
}
