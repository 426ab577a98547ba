import type { RegistrationEvent } from '../protocol/events';
import type { Database, Sql } from './db/database';
import { CustomerBook, DAY_MS } from './ledger';
import { lockCustomerById } from './push/customerRef';
import type { RulesCache } from './rules';

/**
 * Referrals (issue 16): a customer registered with a referrer's card (or the referrer's id, as
 * the till found them by card or phone) names the referrer; once the new customer has bought,
 * both get the chain's referral bonus (programme.referralBonusKopecks), once. The reward is
 * taken by a conditional UPDATE of `referral_rewarded_event`, so concurrent runs (two server
 * instances, a job and a push) pay it once; it runs after pushes and with the ledger jobs.
 */

/** Record the referrer of a just-registered customer; a referrer not found, or the customer themself, is ignored. */
export async function setReferrer(tx: Sql, chainId: number, customerId: number, referrer: NonNullable<RegistrationEvent['referrer']>): Promise<boolean> {
  const rows =
    'card' in referrer
      ? await tx.query<{ id: number }>(`SELECT customer_id AS id FROM identifiers WHERE chain_id = $1 AND kind = 'card' AND key = $2`, [chainId, referrer.card])
      : /^\d+$/.test(referrer.customerId)
        ? await tx.query<{ id: number }>('SELECT id FROM customers WHERE chain_id = $1 AND id = $2', [chainId, referrer.customerId])
        : await tx.query<{ id: number }>('SELECT customer_id AS id FROM customer_aliases WHERE alias = $1', [referrer.customerId]);
  const by = rows[0] ? Number(rows[0].id) : null;
  if (by === null || by === customerId) return false;
  await tx.query('UPDATE customers SET referred_by = $2 WHERE id = $1 AND referred_by IS NULL', [customerId, by]);
  return true;
}

/**
 * Pay the referral bonus for customers who were referred and have bought since: to both, once.
 * Returns how many referrals it paid. Customers of chains without a referral bonus are skipped.
 */
export async function payReferrals(db: Database, rulesCache: RulesCache, now = new Date(), limit = 500): Promise<{ paid: number }> {
  const due = await db.query<{ id: number; chain_id: number; referred_by: number }>(
    `SELECT id, chain_id, referred_by FROM customers
     WHERE referred_by IS NOT NULL AND referral_rewarded_event IS NULL AND purchase_count > 0 ORDER BY id LIMIT $1`,
    [limit],
  );
  let paid = 0;
  for (const d of due) {
    const rules = await rulesCache.get(db, d.chain_id);
    const bonus = rules?.programme.referralBonusKopecks ?? 0;
    if (bonus <= 0) continue;
    const expiryDays = rules?.programme.expiryDays ?? 365;
    const done = await db.transaction(async (tx) => {
      const both = [Number(d.id), Number(d.referred_by)].sort((a, b) => a - b);
      // In id order, as every writer locks customers (with the change-feed guard), so runs never wait in a circle.
      for (const who of both) if (!(await lockCustomerById(tx, who))) return false;
      const took = await tx.query(
        'UPDATE customers SET referral_rewarded_event = $2 WHERE id = $1 AND referral_rewarded_event IS NULL AND referred_by IS NOT NULL RETURNING id',
        [d.id, `referral:${d.id}`],
      );
      if (took.length === 0) return false;
      const nowMs = now.getTime();
      for (const who of both) {
        const book = await CustomerBook.open(tx, who, nowMs);
        book.settle();
        await book.credit(
          tx,
          'adjustment',
          bonus,
          { earnedAtMs: nowMs, availableAtMs: nowMs, expiresAtMs: nowMs + expiryDays * DAY_MS },
          `referral ${d.referred_by} -> ${d.id}`,
        );
        book.settle();
        await book.flush(tx, { eventId: null, terminalId: null, receiptId: null }, {});
      }
      return true;
    });
    if (done) paid++;
  }
  return { paid };
}
