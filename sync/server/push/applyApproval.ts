import type { AppliedResult, ApprovalEvent } from '../../protocol/events';
import { eventCashier } from '../cashiers';
import type { ExceptionDraft } from '../exceptions';
import { flag, tillInstantMs, type EventContext } from './context';

/**
 * A supervisor's approval at the till (a voided line, a price or a discount by hand, a return
 * without a receipt): recorded for head office with who approved, no ledger effect. A manager id
 * that is not one of the store's is kept as NULL beside the name the till showed.
 */
export async function applyApproval(ctx: EventContext, ev: ApprovalEvent): Promise<AppliedResult> {
  const { tx, terminal, nowMs } = ctx;
  const cashierId = await eventCashier(tx, terminal.storeId, ev.cashierId);
  const flags: ExceptionDraft[] = ev.cashierId !== undefined && cashierId === null ? [{ kind: 'cashier_unknown', details: { cashierId: ev.cashierId } }] : [];
  await tx.query(
    `INSERT INTO approvals (event_id, chain_id, terminal_id, store_id, cashier_id, manager_id, manager_name, action, product_id,
                            before_kopecks, after_kopecks, return_id, lines, fiscal, occurred_at)
     VALUES ($1, $2, $3, $4, $5, (SELECT id FROM managers WHERE id = $6::bigint AND store_id = $4), $7, $8, $9, $10, $11, $12,
             $13::jsonb, $14::jsonb, to_timestamp($15 / 1000.0))`,
    [
      ctx.eventId,
      terminal.chainId,
      terminal.terminalId,
      terminal.storeId,
      cashierId,
      ev.managerId,
      ev.managerName,
      ev.action,
      ev.productId ?? null,
      ev.before,
      ev.after,
      ev.returnId ?? null,
      ev.lines ? JSON.stringify(ev.lines) : null,
      ev.fiscal ? JSON.stringify(ev.fiscal) : null,
      tillInstantMs(ev.occurredAt, nowMs),
    ],
  );
  await flag(ctx, flags);
  return { type: 'approval', customerId: null, posted: {}, balance: null, flags: flags.map((f) => f.kind) };
}
