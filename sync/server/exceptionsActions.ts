import { z } from 'zod';
import type { PushResultItem } from '../protocol/events';
import type { Database, Sql } from './db/database';
import { recordExceptions, resolveException } from './exceptions';
import { HttpError } from './httpError';
import { CustomerBook, DAY_MS } from './ledger';
import { lockCustomerById, touchCustomer } from './push/customerRef';
import { runOnce } from './push/exactlyOnce';
import type { RulesCache } from './rules';

const customerId = z.string().regex(/^[1-9]\d{0,17}$/, 'expected a customer id');
const reason = z.string().trim().min(3).max(500);
/** The exceptions-report row the action settles (its details get the resolution). */
const exceptionId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional();

/** Merge `fromCustomerId` (a duplicate registration) into `intoCustomerId`. Same requestId: applied once. */
export const MergeRequest = z
  .strictObject({ requestId: z.uuid(), fromCustomerId: customerId, intoCustomerId: customerId, reason, exceptionId })
  .refine((r) => r.fromCustomerId !== r.intoCustomerId, { path: ['intoCustomerId'], message: 'a customer cannot be merged into itself' });
export type MergeRequest = z.infer<typeof MergeRequest>;

/** Give a loyalty card (its number, from the card itself) to the customer who holds it, whoever has it now. */
export const CardReturnRequest = z.strictObject({
  requestId: z.uuid(),
  card: z.string().regex(/^\d{6,19}$/, 'expected the digits of the card'),
  toCustomerId: customerId,
  reason,
  exceptionId,
});
export type CardReturnRequest = z.infer<typeof CardReturnRequest>;

async function chainOf(db: Sql, id: string): Promise<number> {
  const [row] = await db.query<{ chain_id: number }>('SELECT chain_id FROM customers WHERE id = $1', [id]);
  if (!row) throw new HttpError(404, 'customer_not_found', `No customer ${id}.`);
  return Number(row.chain_id);
}

/**
 * Merge a duplicate into the customer who stays, through the ledger: the duplicate's spendable
 * bonuses are written off it and credited to the other with the reason, its cards and phone
 * move over (tills learn on their next pull), and registrations made under the duplicate's
 * till id now resolve to the one who stays. Bonuses still in the return window cannot move
 * yet (they may still be taken back): such a merge is refused until they are spendable.
 */
export async function mergeCustomers(db: Database, rulesCache: RulesCache, req: MergeRequest): Promise<PushResultItem> {
  const chainId = await chainOf(db, req.fromCustomerId);
  if ((await chainOf(db, req.intoCustomerId)) !== chainId) throw new HttpError(422, 'other_chain', 'Both customers must be of one chain.');
  const rules = await rulesCache.get(db, chainId);
  const expiryDays = rules?.programme.expiryDays ?? 365;
  const key = { eventId: req.requestId, type: 'adjustment', chainId, terminalId: null, storeId: null };
  return runOnce(db, key, async (tx, nowMs) => {
    // Lower id first: two merges of the same pair never wait for each other in opposite order.
    const [a, b] = [req.fromCustomerId, req.intoCustomerId].map(Number).sort((x, y) => x - y);
    await lockCustomerById(tx, a!);
    await lockCustomerById(tx, b!);
    const from = await CustomerBook.open(tx, Number(req.fromCustomerId), nowMs);
    from.settle();
    const before = from.balance;
    if (before.pending > 0) throw new HttpError(409, 'merge_pending', 'The duplicate has bonuses in the return window; merge once they are spendable.');
    if (before.available < 0) throw new HttpError(409, 'merge_debt', 'The duplicate owes bonuses; adjust its balance to zero first.');
    const moved = before.available;
    const note = `${req.reason} (merge ${req.fromCustomerId} → ${req.intoCustomerId})`;
    from.spend('adjustment', moved, note);
    const meta = { eventId: req.requestId, terminalId: null, receiptId: null };
    await from.flush(tx, meta, {});
    const into = await CustomerBook.open(tx, Number(req.intoCustomerId), nowMs);
    into.settle();
    await into.credit(tx, 'adjustment', moved, { earnedAtMs: nowMs, availableAtMs: nowMs, expiresAtMs: nowMs + expiryDays * DAY_MS }, note);
    into.settle();
    const balance = await into.flush(tx, meta, {});
    await tx.query('UPDATE identifiers SET customer_id = $2 WHERE customer_id = $1', [req.fromCustomerId, req.intoCustomerId]);
    await tx.query('UPDATE customer_aliases SET customer_id = $2 WHERE customer_id = $1', [req.fromCustomerId, req.intoCustomerId]);
    await touchCustomer(tx, Number(req.fromCustomerId));
    await touchCustomer(tx, Number(req.intoCustomerId));
    const resolution = { action: 'merge', requestId: req.requestId, from: req.fromCustomerId, into: req.intoCustomerId, moved, reason: req.reason };
    await resolveException(tx, chainId, req.exceptionId, resolution);
    await recordExceptions(tx, { chainId, eventId: req.requestId, terminalId: null, storeId: null }, [
      { kind: 'customers_merged', customerId: Number(req.intoCustomerId), details: resolution },
    ]);
    return {
      type: 'adjustment',
      customerId: req.intoCustomerId,
      mergedInto: req.intoCustomerId,
      posted: { adjusted: moved },
      balance: { available: balance.available, pending: balance.pending },
      flags: [],
    };
  });
}

/** Move a loyalty card to the customer who holds it (a card another registration took, or a mistake); a card nobody holds is refused. */
export async function returnCard(db: Database, req: CardReturnRequest): Promise<PushResultItem> {
  const chainId = await chainOf(db, req.toCustomerId);
  const key = { eventId: req.requestId, type: 'cardLink', chainId, terminalId: null, storeId: null };
  return runOnce(db, key, async (tx) => {
    const [holder] = await tx.query<{ customer_id: number }>(`SELECT customer_id FROM identifiers WHERE chain_id = $1 AND kind = 'card' AND key = $2`, [
      chainId,
      req.card,
    ]);
    const previous = holder ? String(holder.customer_id) : null;
    // Giving back means someone holds it: a number nobody holds is a typo, and linking it would
    // settle the report while the real card stays with the other customer.
    if (previous === null) throw new HttpError(404, 'card_not_found', 'No customer holds this card; check the number on the card.');
    for (const id of [previous, req.toCustomerId].filter((x): x is string => x !== null).sort((x, y) => Number(x) - Number(y))) {
      await lockCustomerById(tx, Number(id));
    }
    await tx.query(
      `INSERT INTO identifiers (chain_id, kind, key, customer_id) VALUES ($1, 'card', $2, $3)
       ON CONFLICT (chain_id, kind, key) DO UPDATE SET customer_id = EXCLUDED.customer_id`,
      [chainId, req.card, req.toCustomerId],
    );
    if (previous !== null && previous !== req.toCustomerId) await touchCustomer(tx, Number(previous));
    await touchCustomer(tx, Number(req.toCustomerId));
    // The card's number is not kept in the report: its last four digits are enough to recognise it.
    const resolution = {
      action: 'cardReturn',
      requestId: req.requestId,
      cardEnding: req.card.slice(-4),
      from: previous,
      to: req.toCustomerId,
      reason: req.reason,
    };
    await resolveException(tx, chainId, req.exceptionId, resolution);
    return { type: 'cardLink', customerId: req.toCustomerId, posted: {}, balance: null, flags: [] };
  });
}
