import type { AppliedResult, FeedbackEvent } from '../../protocol/events';
import { eventCashier } from '../cashiers';
import { tillInstantMs, type EventContext } from './context';

/**
 * A customer's rating of a purchase (issue 16): one answer per receipt of a till; a second
 * answer for the same receipt is acknowledged and not kept. No ledger effect.
 */
export async function applyFeedback(ctx: EventContext, ev: FeedbackEvent): Promise<AppliedResult> {
  const { tx, terminal, nowMs } = ctx;
  const cashierId = await eventCashier(tx, terminal.storeId, ev.cashierId);
  await tx.query(
    `INSERT INTO feedback (event_id, chain_id, store_id, terminal_id, receipt_id, cashier_id, rating, comment, answered_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, to_timestamp($9 / 1000.0)) ON CONFLICT DO NOTHING`,
    [
      ctx.eventId,
      terminal.chainId,
      terminal.storeId,
      terminal.terminalId,
      ev.receiptId,
      cashierId,
      ev.rating,
      ev.comment ?? null,
      tillInstantMs(ev.occurredAt, nowMs),
    ],
  );
  return { type: 'feedback', customerId: null, posted: {}, balance: null, flags: [] };
}
