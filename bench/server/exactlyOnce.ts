import type { Database } from '../../sync/server/db/database';
import { verifyLedger } from '../../sync/server/ledger';

/** What the exactly-once check found; `ok` when every line holds. */
export interface ExactlyOnceReport {
  ok: boolean;
  /** Events with a recorded outcome, and how many of them applied. */
  recorded: number;
  applied: number;
  receipts: number;
  /** Applied sales whose ledger rows differ from what their answer says was posted. */
  postedWrong: number;
  /** Events with more than one accrual or welcome row. */
  postedTwice: number;
  /** Customers whose balances or lots differ from a recomputation from the ledger. */
  ledgerMismatches: number;
  problems: string[];
}

/**
 * The checks of sync/server/concurrency.test.ts after a load of sales: one recorded outcome per
 * event the tills sent (`sent` ids, all final), one receipt per applied sale, the ledger holds
 * what each answer says it posted, once, and balances and lots equal a recomputation from the
 * ledger.
 */
export async function checkSalesExactlyOnce(db: Database, sent: number, appliedByAnswers: number): Promise<ExactlyOnceReport> {
  const [rec] = await db.query<{ recorded: number; applied: number; pending: number; receipts: number }>(
    `SELECT (SELECT count(*)::int FROM applied_events WHERE type = 'sale') AS recorded,
            (SELECT count(*)::int FROM applied_events WHERE type = 'sale' AND status = 'applied') AS applied,
            (SELECT count(*)::int FROM applied_events WHERE status = 'applying') AS pending,
            (SELECT count(*)::int FROM receipts) AS receipts`,
  );
  const [wrong] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n
     FROM applied_events a
     LEFT JOIN (SELECT event_id, -COALESCE(sum(amount) FILTER (WHERE kind = 'redemption'), 0) AS redeemed,
                       COALESCE(sum(amount) FILTER (WHERE kind = 'accrual'), 0) AS accrued
                FROM ledger GROUP BY event_id) l ON l.event_id = a.event_id
     WHERE a.type = 'sale' AND a.status = 'applied' AND a.result->'result'->>'customerId' IS NOT NULL
       AND (COALESCE(l.redeemed, 0) <> COALESCE((a.result->'result'->'posted'->>'redeemed')::bigint, 0)
         OR COALESCE(l.accrued, 0) <> COALESCE((a.result->'result'->'posted'->>'accrued')::bigint, 0))`,
  );
  const [twice] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (SELECT event_id FROM ledger WHERE kind IN ('accrual', 'welcome') GROUP BY event_id HAVING count(*) > 1) t`,
  );
  const mismatches = await verifyLedger(db);
  const r = {
    recorded: rec?.recorded ?? 0,
    applied: rec?.applied ?? 0,
    receipts: rec?.receipts ?? 0,
    postedWrong: wrong?.n ?? 0,
    postedTwice: twice?.n ?? 0,
    ledgerMismatches: mismatches.length,
  };
  const problems: string[] = [];
  if (r.recorded !== sent) problems.push(`${r.recorded} sale events recorded, ${sent} sent`);
  if ((rec?.pending ?? 0) > 0) problems.push(`${rec?.pending} events still claimed but not answered`);
  if (r.applied !== appliedByAnswers) problems.push(`${r.applied} recorded as applied, the answers said ${appliedByAnswers}`);
  if (r.receipts !== r.applied) problems.push(`${r.receipts} receipts for ${r.applied} applied sales`);
  if (r.postedWrong > 0) problems.push(`${r.postedWrong} sales whose ledger rows differ from their answer`);
  if (r.postedTwice > 0) problems.push(`${r.postedTwice} events credited twice`);
  if (r.ledgerMismatches > 0) problems.push(`${r.ledgerMismatches} customers whose balances or lots differ from the ledger`);
  return { ok: problems.length === 0, ...r, problems };
}
