import type { ApprovalEvent, SaleFiscal } from '../protocol/events';
import type { ProductItem } from '../protocol/pull';
import { randomId } from './ids';
import type { PendingFiscalisation } from '../protocol/fiscal';
import type { ApprovalRecord, OutboxRecord, PendingNoReceiptReturn } from './records';
import type { TillDb } from './tillDb';

/** The event head office gets for an approval given at this till (sync/protocol/events.ts ApprovalEvent). */
export function approvalEvent(r: ApprovalRecord, lines?: NoReceiptLine[]): ApprovalEvent {
  return {
    eventId: r.id,
    occurredAt: new Date(r.at).toISOString(),
    type: 'approval',
    ...(r.cashierId ? { cashierId: r.cashierId } : {}),
    action: r.action,
    managerId: r.managerId,
    managerName: r.managerName,
    ...(r.productId ? { productId: r.productId } : {}),
    before: r.before,
    after: r.after,
    ...(r.returnId ? { returnId: r.returnId } : {}),
    ...(lines ? { lines: lines.map((l) => ({ productId: l.product.id, quantityMilli: l.quantityMilli, priceKopecks: l.product.priceKopecks })) } : {}),
  };
}

/**
 * Journal a supervisor's approval and queue it for head office, in one strict transaction: the
 * approval is never journaled here and lost on the way, and the outbox sends it exactly once.
 */
export async function recordApproval(db: TillDb, r: ApprovalRecord, lines?: NoReceiptLine[], fiscal?: SaleFiscal): Promise<ApprovalEvent> {
  const event = { ...approvalEvent(r, lines), ...(fiscal ? { fiscal } : {}) };
  await db.transaction('rw', [db.approvals, db.outbox], async () => {
    await db.approvals.put(r);
    await db.outbox.add({
      eventId: event.eventId,
      type: event.type,
      event,
      status: 'pending',
      createdAt: r.at,
      attempts: 0,
      lastError: null,
      rejection: null,
    } satisfies OutboxRecord);
  });
  return event;
}

/** A line of a return without a receipt: a product of the catalogue and how much comes back. */
export interface NoReceiptLine {
  product: ProductItem;
  quantityMilli: number;
}

/** What a return without a receipt refunds: each line at the catalogue's price today, in kopecks. */
export function noReceiptRefund(lines: readonly NoReceiptLine[]): number {
  return lines.reduce((sum, l) => sum + Math.round((l.product.priceKopecks * l.quantityMilli) / 1000), 0);
}

/**
 * A return without a receipt, approved by a manager: cash back at today's price, recorded with
 * who approved it (the approval event carries the lines and the refund), and counted in the
 * cashier's tally as a return. A pending record of the same return (a till with a register) is
 * removed in the same transaction; when it is gone already the return was recorded and nothing
 * is written twice.
 */
export async function commitNoReceiptReturn(
  db: TillDb,
  lines: readonly NoReceiptLine[],
  by: { managerId: string; managerName: string; cashierId: string | null },
  now: number,
  returnId = randomId(),
  fiscal?: SaleFiscal,
  pending = false,
): Promise<{ returnId: string; refund: number; recorded: boolean }> {
  const refund = noReceiptRefund(lines);
  const record: ApprovalRecord = { id: randomId(), at: now, action: 'returnNoReceipt', ...by, before: 0, after: refund, returnId };
  const recorded = await db.transaction('rw', [db.approvals, db.outbox, db.tally, db.pendingNoReceipt], async () => {
    if (pending) {
      if (!(await db.pendingNoReceipt.get(returnId))) return false;
      await db.pendingNoReceipt.delete(returnId);
    }
    const made = await recordApproval(db, record, [...lines], fiscal);
    await db.tally.put({ eventId: made.eventId, at: now, cashierId: by.cashierId, figures: { returns: 1, refundKopecks: refund } });
    return true;
  });
  return { returnId, refund, recorded };
}

/**
 * An approved return without a receipt, stored (strict durability) before the register is asked
 * anything: a crash from here on leaves it to be finished once at the next start.
 */
export async function beginNoReceiptReturn(
  db: TillDb,
  lines: readonly NoReceiptLine[],
  by: { managerId: string; managerName: string; cashierId: string | null },
  now: number,
): Promise<PendingNoReceiptReturn> {
  const pending: PendingNoReceiptReturn = { returnId: randomId(), lines: [...lines], ...by, startedAt: now, fiscal: null };
  await db.transaction('rw', db.pendingNoReceipt, () => db.pendingNoReceipt.put(pending));
  return pending;
}

/** The return receipt's marker, on disk before the receipt is sent to the register. */
export async function saveNoReceiptMarker(db: TillDb, returnId: string, fiscal: PendingFiscalisation): Promise<void> {
  await db.transaction('rw', db.pendingNoReceipt, () => db.pendingNoReceipt.update(returnId, { fiscal }));
}

/** Approved returns without a receipt not yet recorded, oldest first. */
export async function pendingNoReceiptReturns(db: TillDb): Promise<PendingNoReceiptReturn[]> {
  return (await db.pendingNoReceipt.toArray()).sort((a, b) => a.startedAt - b.startedAt);
}
