import { z } from 'zod';
import { SaleFiscal } from '../protocol/events';
import type { Sql } from './db/database';

/**
 * Head office finds a sale or a return (one without a receipt too, approved at the till) by what is printed on it or what the OFD reports: the
 * fiscal document number (ФД) or the fiscal sign (ФП), both kept with the receipt since
 * migration 27, or the till's receipt number. A query of digits (optionally after "ФД", "ФП",
 * "FD", "FP", "№") looks up the fiscal numbers through their indexes; anything else the receipt
 * or return number. An empty query finds nothing: the chain's receipts are too many to list.
 * Document numbers restart with every fiscal drive, so one number may find several receipts of
 * different registers: each row names its store, till and fiscal drive.
 */
export const ReceiptSearchQuery = z.object({
  q: z.string().trim().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const FoundReceipt = z.object({
  kind: z.enum(['sale', 'return']),
  eventId: z.string(),
  /** The sale's receipt number (for a return: the receipt it returns from; null: a return without a receipt). */
  receiptId: z.string().nullable(),
  returnId: z.string().nullable(),
  storeId: z.number().int(),
  store: z.string(),
  terminal: z.string().nullable(),
  at: z.string(),
  /** Paid (a sale) or refunded in money (a return), kopecks. */
  totalKopecks: z.number().int(),
  fiscal: SaleFiscal.nullable(),
});
export type FoundReceipt = z.infer<typeof FoundReceipt>;

/** The digits of a fiscal number as typed: "12345", "ФД 12345", "ФП: 3000000104", "№ 17". */
export function fiscalDigits(q: string): string | null {
  const m = /^(?:ФД|ФП|FD|FP|FPD)?\s*[:№#]?\s*(\d{1,20})$/iu.exec(q.trim());
  return m ? m[1]! : null;
}

type Row = {
  kind: 'sale' | 'return';
  event_id: string;
  receipt_id: string | null;
  return_id: string | null;
  store_id: number;
  store: string;
  terminal: string | null;
  at: Date | string;
  total: string | number | null;
  fiscal: SaleFiscal | null;
};

export async function searchReceipts(db: Sql, chainId: number, query: z.infer<typeof ReceiptSearchQuery>): Promise<FoundReceipt[]> {
  const q = query.q ?? '';
  if (q === '') return [];
  const digits = fiscalDigits(q);
  // ФД as a number (its JSON text has no leading zeros); ФП as the register printed it.
  const fiscalMatch = (t: string) => `${t}.fiscal IS NOT NULL AND (${t}.fiscal->>'documentNumber' = $2 OR ${t}.fiscal->>'fiscalSign' = $3)`;
  const [sales, returns, unreceipted, params] =
    digits === null
      ? ['r.receipt_id ILIKE $2', '(x.return_id ILIKE $2 OR r.receipt_id ILIKE $2)', 'a.return_id ILIKE $2', [`%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`]]
      : [fiscalMatch('r'), fiscalMatch('x'), fiscalMatch('a'), [String(BigInt(digits)), digits]];
  const rows = await db.query<Row>(
    `SELECT 'sale' AS kind, r.event_id::text AS event_id, r.receipt_id, NULL::text AS return_id, r.store_id, s.name AS store, t.name AS terminal,
            r.sold_at AS at, (r.till_totals->>'payable')::bigint AS total, r.fiscal
     FROM receipts r JOIN stores s ON s.id = r.store_id LEFT JOIN terminals t ON t.id = r.terminal_id
     WHERE r.chain_id = $1 AND ${sales}
     UNION ALL
     SELECT 'return', x.event_id::text, r.receipt_id, x.return_id, x.store_id, s.name, t.name,
            x.occurred_at, (x.result->'totals'->>'refund')::bigint, x.fiscal
     FROM receipt_returns x JOIN receipts r ON r.event_id = x.sale_event_id JOIN stores s ON s.id = x.store_id
          LEFT JOIN terminals t ON t.id = x.terminal_id
     WHERE r.chain_id = $1 AND ${returns}
     UNION ALL
     SELECT 'return', a.event_id::text, NULL, a.return_id, a.store_id, s.name, t.name, a.occurred_at, a.after_kopecks, a.fiscal
     FROM approvals a JOIN stores s ON s.id = a.store_id LEFT JOIN terminals t ON t.id = a.terminal_id
     WHERE a.chain_id = $1 AND a.action = 'returnNoReceipt' AND ${unreceipted}
     ORDER BY at DESC, event_id LIMIT ${Number(query.limit)}`,
    [chainId, ...params],
  );
  return rows.map((r) => ({
    kind: r.kind,
    eventId: r.event_id,
    receiptId: r.receipt_id,
    returnId: r.return_id,
    storeId: Number(r.store_id),
    store: r.store,
    terminal: r.terminal,
    at: new Date(r.at).toISOString(),
    totalKopecks: Number(r.total ?? 0),
    fiscal: r.fiscal,
  }));
}
