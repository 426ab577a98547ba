import { EngineInputError, priceReturn, type LotTake, type PricedReceipt, type ReturnResult } from '../../../core/engine';
import type { AppliedResult, ReturnEvent } from '../../protocol/events';
import type { ExceptionDraft } from '../exceptions';
import { CustomerBook, DEBT_LOT } from '../ledger';
import { eventCashier } from '../cashiers';
import { voidNextOrderCoupons } from '../nextOrderCoupons';
import { flag, rulesOf, tillInstantMs, type EventContext } from './context';
import { lockCustomerById } from './customerRef';
import { reject, retryLater } from './rejection';

type SaleRow = {
  chain_id: number;
  receipt_id: string;
  customer_id: number | null;
  posted: PricedReceipt;
  redemption_takes: LotTake[];
  accrual_lot_id: number | null;
};

/**
 * A return is priced by the engine against the receipt the ledger posted for the sale and the
 * earlier returns of it, and the server posts its own figures: cumulative shares mean that
 * returning everything, in any number of steps, gives back exactly what the sale moved.
 * The till's figures, when sent, are compared and differences flagged.
 */
export async function applyReturn(ctx: EventContext, ev: ReturnEvent): Promise<AppliedResult> {
  const { tx, terminal, nowMs } = ctx;
  const [sale] = await tx.query<SaleRow>(
    `SELECT chain_id, receipt_id, customer_id, posted, redemption_takes, accrual_lot_id FROM receipts
     WHERE event_id = $1 FOR UPDATE`,
    [ev.original.eventId],
  );
  if (!sale) retryLater('receipt_unknown', 'The original sale has not reached the server yet; send the return again after it.');
  if (sale.chain_id !== terminal.chainId) reject('receipt_unknown', 'The original sale belongs to another chain.');
  if (sale.receipt_id !== ev.original.receiptId) {
    reject('receipt_mismatch', `Event ${ev.original.eventId} carried receipt "${sale.receipt_id}", not "${ev.original.receiptId}".`);
  }
  const previous = await tx.query<{ result: ReturnResult; restored_takes: LotTake[] }>(
    'SELECT result, restored_takes FROM receipt_returns WHERE sale_event_id = $1 ORDER BY returned_at, event_id',
    [ev.original.eventId],
  );
  let result: ReturnResult;
  try {
    result = priceReturn(
      sale.posted,
      ev.lines,
      previous.map((p) => p.result),
    );
  } catch (err) {
    if (err instanceof EngineInputError || err instanceof RangeError) reject('return_invalid', err.message);
    throw err;
  }

  const flags: ExceptionDraft[] = [];
  const customerId = sale.customer_id === null ? null : Number(sale.customer_id);
  let difference: Record<string, { till: number; server: number }> | null = null;
  if (ev.totals) {
    const diff: Record<string, { till: number; server: number }> = {};
    for (const k of ['refund', 'restoredBonus', 'reversedAccrual'] as const) {
      if (ev.totals[k] !== result.totals[k]) diff[k] = { till: ev.totals[k], server: result.totals[k] };
    }
    if (Object.keys(diff).length > 0) {
      difference = diff;
      flags.push({ kind: 'return_difference', customerId, details: { receiptId: sale.receipt_id, difference } });
    }
  }

  let restored: LotTake[] = [];
  let balance = null;
  if (customerId !== null) {
    const { programme } = rulesOf(ctx);
    await lockCustomerById(tx, customerId);
    const outstanding = outstandingTakes(
      sale.redemption_takes,
      previous.flatMap((p) => p.restored_takes),
    );
    const lotIds = [...outstanding.map((t) => t.lotId), ...(sale.accrual_lot_id === null ? [] : [String(sale.accrual_lot_id)])]
      .filter((id) => id !== DEBT_LOT)
      .map(Number);
    const book = await CustomerBook.open(tx, customerId, nowMs, { extraLotIds: lotIds });
    book.settle();
    restored = (await book.restore(tx, outstanding, result.totals.restoredBonus, programme.expiryDays)).restored;
    if (sale.accrual_lot_id !== null) {
      const { shortfall } = book.reverse(Number(sale.accrual_lot_id), result.totals.reversedAccrual);
      if (shortfall > 0) {
        flags.push({ kind: 'return_shortfall', customerId, details: { receiptId: sale.receipt_id, shortfall, balanceAfter: book.balance.available } });
      }
    }
    book.settle();
    balance = await book.flush(tx, { eventId: ctx.eventId, terminalId: terminal.terminalId, receiptId: sale.receipt_id }, {});
  }
  const cashierId = await eventCashier(tx, terminal.storeId, ev.cashierId);
  if (ev.cashierId !== undefined && cashierId === null)
    flags.push({ kind: 'cashier_unknown', customerId, details: { returnId: ev.returnId, cashierId: ev.cashierId } });
  await tx.query(
    `INSERT INTO receipt_returns (event_id, sale_event_id, return_id, terminal_id, store_id, result, restored_takes, difference, occurred_at, cashier_id, fiscal)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8::jsonb, to_timestamp($9 / 1000.0), $10, $11::jsonb)`,
    [
      ctx.eventId,
      ev.original.eventId,
      ev.returnId,
      terminal.terminalId,
      terminal.storeId,
      JSON.stringify(result),
      JSON.stringify(restored),
      difference ? JSON.stringify(difference) : null,
      tillInstantMs(ev.occurredAt, nowMs),
      cashierId,
      // The return receipt's fiscal document, for head office to find the return by it.
      ev.fiscal ? JSON.stringify(ev.fiscal) : null,
    ],
  );
  // The sale's next-order coupons still unused go with the return (nextOrderCoupons.ts).
  await voidNextOrderCoupons(tx, { chainId: terminal.chainId, saleEventId: ev.original.eventId, returnEventId: ctx.eventId });
  await flag(ctx, flags);
  return {
    type: 'return',
    customerId: customerId === null ? null : String(customerId),
    posted: { restoredBonus: result.totals.restoredBonus, reversedAccrual: result.totals.reversedAccrual },
    balance: balance ? { available: balance.available, pending: balance.pending } : null,
    flags: flags.map((f) => f.kind),
  };
}

/** What a sale took from each lot and has not had back yet, in the order it took. */
function outstandingTakes(taken: readonly LotTake[], restored: readonly LotTake[]): LotTake[] {
  const back = new Map<string, number>();
  for (const t of restored) back.set(t.lotId, (back.get(t.lotId) ?? 0) + t.amount);
  const out: LotTake[] = [];
  for (const t of taken) {
    const b = Math.min(back.get(t.lotId) ?? 0, t.amount);
    back.set(t.lotId, (back.get(t.lotId) ?? 0) - b);
    if (t.amount - b > 0) out.push({ lotId: t.lotId, amount: t.amount - b });
  }
  return out;
}
