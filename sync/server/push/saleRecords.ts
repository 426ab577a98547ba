import type { Sql } from '../db/database';
import type { ReceiptRow } from './saleOutcome';

/**
 * The rows a sale leaves besides its ledger postings: the receipt (both pricings, what was
 * posted, the lots it drew on) and the uses of limited offers. Any number per statement, so
 * a batch of sales writes them all at once; as common table expressions (`receiptWrites`)
 * for a caller writing more in the same statement.
 */
export interface OfferUse {
  customerId: number;
  offerId: string;
  atMs: number;
  eventId: string;
}

export function receiptWrites(
  terminal: { chainId: number; terminalId: string; storeId: number },
  rows: readonly ReceiptRow[],
  uses: readonly OfferUse[],
  first: number,
): { ctes: string; params: unknown[] } {
  const $ = (n: number) => `$${first + n - 1}`;
  // The receipts travel as one JSON document: PostgreSQL parses it once, and the driver need not
  // escape every receipt's JSON as an element of a text array (a large share of its CPU).
  const ctes = `sale_receipts AS (
       INSERT INTO receipts (event_id, chain_id, receipt_id, terminal_id, store_id, customer_id, sold_at, sale, till_totals,
                             server_totals, posted, difference, eligible_net, payment, redemption_takes, accrual_lot_id, cashier_id, fiscal)
       SELECT (j->>'eventId')::uuid, ${$(1)}, j->>'receiptId', ${$(2)}, ${$(3)}, (j->>'customerId')::bigint,
              to_timestamp((j->>'soldAtMs')::float8 / 1000.0), j->'sale', j->'till', j->'server', j->'posted',
              NULLIF(j->'difference', 'null'::jsonb), (j->>'eligibleNet')::bigint, j->'payment', j->'takes',
              (j->>'accrualLotId')::bigint, (j->>'cashierId')::bigint, NULLIF(j->'fiscal', 'null'::jsonb)
       FROM jsonb_array_elements(${$(4)}::jsonb) WITH ORDINALITY AS x(j, n)
       ORDER BY x.n
       RETURNING 1),
     sale_offer_uses AS (
       INSERT INTO offer_uses (customer_id, offer_id, used_at, event_id)
       SELECT x.c, x.o, to_timestamp(x.t / 1000.0), x.e FROM unnest(${$(5)}::bigint[], ${$(6)}::text[], ${$(7)}::float8[], ${$(8)}::uuid[]) AS x(c, o, t, e)
       RETURNING 1)`;
  const params = [
    terminal.chainId,
    terminal.terminalId,
    terminal.storeId,
    JSON.stringify(rows),
    uses.map((u) => u.customerId),
    uses.map((u) => u.offerId),
    uses.map((u) => u.atMs),
    uses.map((u) => u.eventId),
  ];
  return { ctes, params };
}

/** Receipts and offer uses in one statement. */
export async function insertReceipts(
  tx: Sql,
  terminal: { chainId: number; terminalId: string; storeId: number },
  rows: readonly ReceiptRow[],
  uses: readonly OfferUse[] = [],
): Promise<void> {
  if (rows.length === 0 && uses.length === 0) return;
  const w = receiptWrites(terminal, rows, uses, 1);
  await tx.query(`WITH ${w.ctes} SELECT 1`, w.params);
}

/** When each customer used each of `offerIds` (ms since the epoch). */
export async function loadOfferUses(tx: Sql, customerIds: readonly number[], offerIds: readonly string[]): Promise<Map<number, Map<string, number[]>>> {
  const out = new Map<number, Map<string, number[]>>();
  if (customerIds.length === 0 || offerIds.length === 0) return out;
  const rows = await tx.query<{ customer_id: number; offer_id: string; times: number[] }>(
    `SELECT customer_id, offer_id, array_agg((extract(epoch FROM used_at) * 1000)::float8) AS times FROM offer_uses
     WHERE customer_id = ANY($1::bigint[]) AND offer_id = ANY($2::text[]) GROUP BY customer_id, offer_id`,
    [customerIds, offerIds],
  );
  for (const r of rows) {
    const id = Number(r.customer_id);
    const byOffer = out.get(id) ?? new Map<string, number[]>();
    byOffer.set(r.offer_id, r.times.map(Number));
    out.set(id, byOffer);
  }
  return out;
}
