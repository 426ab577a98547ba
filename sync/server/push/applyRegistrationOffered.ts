import type { AppliedResult, RegistrationOfferedEvent } from '../../protocol/events';
import { eventCashier } from '../cashiers';
import type { ExceptionDraft } from '../exceptions';
import { flag, tillInstantMs, type EventContext } from './context';

/** The till offered to register a customer it could not find: a fact for the day's figures. */
export async function applyRegistrationOffered(ctx: EventContext, ev: RegistrationOfferedEvent): Promise<AppliedResult> {
  const { tx, terminal, nowMs } = ctx;
  const cashierId = await eventCashier(tx, terminal.storeId, ev.cashierId);
  const flags: ExceptionDraft[] = ev.cashierId !== undefined && cashierId === null ? [{ kind: 'cashier_unknown', details: { cashierId: ev.cashierId } }] : [];
  await tx.query(
    `INSERT INTO registration_offers (event_id, terminal_id, store_id, cashier_id, occurred_at)
     VALUES ($1, $2, $3, $4, to_timestamp($5 / 1000.0))`,
    [ctx.eventId, terminal.terminalId, terminal.storeId, cashierId, tillInstantMs(ev.occurredAt, nowMs)],
  );
  await flag(ctx, flags);
  return { type: 'registrationOffered', customerId: null, posted: {}, balance: null, flags: flags.map((f) => f.kind) };
}
