import { priceReturn, type ReturnResult } from '../../core/engine';
import type { ReturnEvent, SaleFiscal } from '../protocol/events';
import { stampAndTally } from './cashiers';
import { randomId } from './ids';
import type { BalanceDeltaRecord, OutboxRecord, ReceiptRecord } from './outbox';
import type { PendingReturn } from './records';
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
 * How a return's refund is paid back when gift certificates paid part of the sale: the money
 * tender (cash or card) first, up to what it paid less what earlier returns gave back; the rest
 * goes back onto the certificates, never out as money (a certificate is not cashed).
 */
export function refundSplit(receipt: ReceiptRecord, refundKopecks: number): { money: number; certificates: { code: string; amountKopecks: number }[] } {
  const payment = receipt.event.payment;
  const parts = payment.certificates ?? [];
  const earlier = (receipt.returns ?? []).reduce((s, r) => s + r.totals.refund, 0);
  const moneyLeft = Math.max(0, payment.amountKopecks - earlier);
  const money = parts.length === 0 ? refundKopecks : Math.min(refundKopecks, moneyLeft);
  // Earlier returns took the money first, then the certificates in order.
  let earlierOnCertificates = Math.max(0, earlier - payment.amountKopecks);
  let rest = refundKopecks - money;
  const certificates: { code: string; amountKopecks: number }[] = [];
  for (const p of parts) {
    const given = Math.min(p.amountKopecks, earlierOnCertificates);
    earlierOnCertificates -= given;
    const back = Math.min(p.amountKopecks - given, rest);
    rest -= back;
    if (back > 0) certificates.push({ code: p.code, amountKopecks: back });
  }
  return { money, certificates };
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
  ids: { returnId?: string; fiscal?: SaleFiscal } = {},
): Promise<{ event: ReturnEvent; result: ReturnResult }> {
  const result = previewReturn(receipt, lines);
  const made: ReturnEvent = {
    eventId: randomId(),
    occurredAt: now.toISOString(),
    type: 'return',
    // The pending return's own id: the same one named its refund and its fiscal receipt.
    returnId: ids.returnId ?? randomId(),
    ...(ids.fiscal ? { fiscal: ids.fiscal } : {}),
    original: { eventId: receipt.eventId, receiptId: receipt.receiptId },
    lines: result.lines.map((l) => ({ lineId: l.lineId, quantityMilli: l.quantityMilli })),
    totals: { refund: result.totals.refund, restoredBonus: result.totals.restoredBonus, reversedAccrual: result.totals.reversedAccrual },
  };
  const event = await db.transaction('rw', [db.journal, db.outbox, db.balanceDeltas, db.shift, db.tally, db.coupons], async () => {
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
    // The sale's next-order coupons go back with any return of it (issue 16; the server does the same): refused here at once.
    for (const c of receipt.event.nextOrderCoupons ?? []) await db.coupons.update(c.code, { redeemed: true });
    // The pending return, if any, ends in the same transaction that records it.
    const doneHere = {
      returnId: made.returnId,
      at: now.getTime(),
      refund: refundSplit(current, result.totals.refund).money,
      shiftNumber: ids.fiscal?.shiftNumber ?? null,
    };
    await db.journal.update(receipt.receiptId, {
      returns: [...(current.returns ?? []), result],
      returnsMade: [...(current.returnsMade ?? []), doneHere],
      pendingReturn: undefined,
    });
    return event;
  });
  return { event, result };
}

/** This till's receipts since `since` (ms), newest first: the shift's history. */
export async function receiptsSince(db: TillDb, since: number): Promise<ReceiptRecord[]> {
  return (await db.journal.where('createdAt').aboveOrEqual(since).toArray()).filter((r) => !r.foreign).reverse();
}

/**
 * Start a return, or find the one already under way on this receipt: stored durably before any
 * device is asked. A pending return keeps its lines: the money may have moved already.
 */
export async function beginReturn(
  db: TillDb,
  receiptId: string,
  lines: { lineId: string; quantityMilli: number }[],
  markingCodes: Record<string, string[]>,
  now: number,
): Promise<{ receipt: ReceiptRecord; pending: PendingReturn; resumed: boolean }> {
  return db.transaction('rw', db.journal, async () => {
    const receipt = await db.journal.get(receiptId);
    if (!receipt) throw new Error('receipt vanished');
    if (receipt.pendingReturn) return { receipt, pending: receipt.pendingReturn, resumed: true };
    previewReturn(receipt, lines);
    const pending: PendingReturn = {
      returnId: randomId(),
      lines: lines.filter((l) => l.quantityMilli > 0),
      markingCodes,
      startedAt: now,
      refund: null,
      fiscal: null,
    };
    await db.journal.update(receiptId, { pendingReturn: pending });
    return { receipt: { ...receipt, pendingReturn: pending }, pending, resumed: false };
  });
}

export async function savePendingReturn(db: TillDb, receiptId: string, pending: PendingReturn): Promise<void> {
  await db.transaction('rw', db.journal, async () => {
    await db.journal.update(receiptId, { pendingReturn: pending });
  });
}

/** Receipts with a return under way (after a crash): few, so a scan of the journal is cheap enough at start. */
export async function receiptsWithPendingReturn(db: TillDb): Promise<ReceiptRecord[]> {
  return db.journal.filter((r) => r.pendingReturn !== undefined).toArray();
}

export interface ShiftTotals {
  sales: { count: number; cash: number; card: number };
  returns: { count: number; cash: number; card: number };
}

/** This till's fiscalised sales and returns in the register's shift `shiftNumber`, by payment method. */
export async function shiftTotals(db: TillDb, shiftNumber: number): Promise<ShiftTotals> {
  const t: ShiftTotals = { sales: { count: 0, cash: 0, card: 0 }, returns: { count: 0, cash: 0, card: 0 } };
  await db.journal.each((r) => {
    const method = r.event.payment.method;
    if (!r.foreign && r.event.fiscal?.shiftNumber === shiftNumber) {
      t.sales.count += 1;
      t.sales[method] += r.event.payment.amountKopecks;
    }
    for (const m of r.returnsMade ?? [])
      if (m.shiftNumber === shiftNumber) {
        t.returns.count += 1;
        t.returns[method] += m.refund;
      }
  });
  return t;
}

/** Drop a pending return that moved no money and reached no register (its codes were refused). */
export async function commitNothing(db: TillDb, receiptId: string): Promise<void> {
  await db.transaction('rw', db.journal, async () => {
    const r = await db.journal.get(receiptId);
    if (r?.pendingReturn && !r.pendingReturn.refund && !r.pendingReturn.fiscal) await db.journal.update(receiptId, { pendingReturn: undefined });
  });
}
