import { priceReturn, type ReturnResult } from '../../core/engine';
import type { ReturnEvent } from '../protocol/events';
import { stampAndTally } from './cashiers';
import { randomId } from './ids';
import type { BalanceDeltaRecord, OutboxRecord, ReceiptRecord } from './outbox';
import type { TillDb } from './tillDb';

/** A receipt of this till by the number printed on it (with or without the "R-" of its barcode). */
export async function findReceipt(db: TillDb, receiptNo: string): Promise<ReceiptRecord | undefined> {
  const id = receiptNo.trim().toUpperCase().replace(/^R-?/, '');
  return db.journal.get(id);
}

/** What can still be returned of each line, in thousandths. */
export function returnable(receipt: ReceiptRecord): Map<string, number> {
  const left = new Map(receipt.event.sale.lines.map((l) => [l.lineId, l.quantityMilli]));
  for (const r of receipt.returns ?? []) for (const l of r.lines) left.set(l.lineId, (left.get(l.lineId) ?? 0) - l.quantityMilli);
  return left;
}

/** Price a return with the engine against the receipt as it was sold and returned so far. */
export function previewReturn(receipt: ReceiptRecord, lines: { lineId: string; quantityMilli: number }[]): ReturnResult {
  if (!receipt.priced) throw new Error('This receipt was made before returns were recorded; return it at head office.');
  return priceReturn(
    receipt.priced,
    lines.filter((l) => l.quantityMilli > 0),
    receipt.returns ?? [],
  );
}

/**
 * Make a return durable in one strict transaction: the outbox event, the customer's balance
 * change (bonuses given back, accrual taken back) and the receipt's return history.
 */
export async function commitReturn(
  db: TillDb,
  receipt: ReceiptRecord,
  lines: { lineId: string; quantityMilli: number }[],
  now = new Date(),
): Promise<{ event: ReturnEvent; result: ReturnResult }> {
  const result = previewReturn(receipt, lines);
  const made: ReturnEvent = {
    eventId: randomId(),
    occurredAt: now.toISOString(),
    type: 'return',
    returnId: randomId(),
    original: { eventId: receipt.eventId, receiptId: receipt.receiptId },
    lines: result.lines.map((l) => ({ lineId: l.lineId, quantityMilli: l.quantityMilli })),
    totals: { refund: result.totals.refund, restoredBonus: result.totals.restoredBonus, reversedAccrual: result.totals.reversedAccrual },
  };
  const event = await db.transaction('rw', [db.journal, db.outbox, db.balanceDeltas, db.shift, db.tally], async () => {
    const current = await db.journal.get(receipt.receiptId);
    if (!current) throw new Error('receipt vanished');
    // Priced against what is stored now, so two returns racing on one receipt cannot both pass.
    if (JSON.stringify(current.returns ?? []) !== JSON.stringify(receipt.returns ?? [])) throw new Error('the receipt changed meanwhile; open it again');
    const t = result.totals;
    const event = await stampAndTally(
      db,
      made,
      { returns: 1, refundKopecks: t.refund, restoredBonusKopecks: t.restoredBonus, reversedAccrualKopecks: t.reversedAccrual },
      now.getTime(),
    );
    await db.outbox.add({
      eventId: event.eventId,
      type: 'return',
      event,
      status: 'pending',
      createdAt: now.getTime(),
      attempts: 0,
      lastError: null,
      rejection: null,
    } satisfies OutboxRecord);
    if (receipt.customerId) {
      // Accrual is still pending within the return window, which is when returns happen.
      await db.balanceDeltas.add({
        eventId: event.eventId,
        customerId: receipt.customerId,
        available: result.totals.restoredBonus,
        pending: 0 - result.totals.reversedAccrual,
      } satisfies BalanceDeltaRecord);
    }
    await db.journal.update(receipt.receiptId, { returns: [...(current.returns ?? []), result] });
    return event;
  });
  return { event, result };
}

/** This till's receipts since `since` (ms), newest first: the shift's history. */
export async function receiptsSince(db: TillDb, since: number): Promise<ReceiptRecord[]> {
  return (await db.journal.where('createdAt').aboveOrEqual(since).toArray()).reverse();
}
