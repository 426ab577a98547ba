import { z } from 'zod';
import type { PushResultItem } from '../protocol/events';
import type { Database } from './db/database';
import { resolveException } from './exceptions';
import { HttpError } from './httpError';
import { CustomerBook, DAY_MS } from './ledger';
import { lockCustomer } from './push/customerRef';
import { runOnce } from './push/exactlyOnce';
import type { RulesCache } from './rules';

export const AdjustmentRequest = z.object({
  /** Made by the caller; sending the same request again applies it once. */
  requestId: z.uuid(),
  customerId: z.string().regex(/^[1-9]\d{0,17}$/),
  amountKopecks: z
    .number()
    .int()
    .min(-100_000_000)
    .max(100_000_000)
    .refine((n) => n !== 0, 'must not be zero'),
  reason: z.string().trim().min(3).max(500),
  /** The exceptions-report row this adjustment settles, if any. */
  exceptionId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
});
export type AdjustmentRequest = z.infer<typeof AdjustmentRequest>;

/**
 * A manual correction by head office, with its reason in the ledger. A credit is a new lot
 * (spendable now, expiring like any bonus); a debit spends lots oldest-expiring first and
 * may leave the balance negative.
 */
export async function applyAdjustment(db: Database, rulesCache: RulesCache, req: AdjustmentRequest): Promise<PushResultItem> {
  const [owner] = await db.query<{ chain_id: number }>('SELECT chain_id FROM customers WHERE id = $1', [req.customerId]);
  if (!owner) throw new HttpError(404, 'customer_not_found', `No customer ${req.customerId}.`);
  const chainId = owner.chain_id;
  const rules = await rulesCache.get(db, chainId);
  const expiryDays = rules?.programme.expiryDays ?? 365;
  const key = { eventId: req.requestId, type: 'adjustment', chainId, terminalId: null, storeId: null };
  return runOnce(db, key, async (tx, nowMs) => {
    const c = await lockCustomer(tx, chainId, req.customerId);
    const book = await CustomerBook.open(tx, c.id, nowMs);
    book.settle();
    if (req.amountKopecks > 0) {
      await book.credit(tx, 'adjustment', req.amountKopecks, { earnedAtMs: nowMs, availableAtMs: nowMs, expiresAtMs: nowMs + expiryDays * DAY_MS }, req.reason);
    } else {
      book.spend('adjustment', -req.amountKopecks, req.reason);
    }
    book.settle();
    const balance = await book.flush(tx, { eventId: req.requestId, terminalId: null, receiptId: null }, {});
    await resolveException(tx, chainId, req.exceptionId, { action: 'adjust', requestId: req.requestId, amount: req.amountKopecks, reason: req.reason });
    return {
      type: 'adjustment',
      customerId: String(c.id),
      posted: { adjusted: req.amountKopecks },
      balance: { available: balance.available, pending: balance.pending },
      flags: [],
    };
  });
}
