import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { StoreReceipt } from '../../protocol/receipts';
import { HttpError } from '../httpError';
import type { RouteDeps } from './deps';

const ReceiptNumber = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .transform((s) => s.toUpperCase().replace(/^R-?/, ''))
  .pipe(z.string().regex(/^[A-Z0-9_-]{1,64}$/));

/**
 * A sale of any till of this terminal's store, by the number printed on its receipt, for a
 * return at another till. Only this store's receipts: a store returns what it sold.
 */
export function receiptRoutes(app: FastifyInstance, { db, guards }: RouteDeps): void {
  const terminal = { preHandler: [guards.requireTerminal, guards.rateLimit] };
  app.get('/api/v1/terminal/receipts/:number', terminal, async (req) => {
    const parsed = ReceiptNumber.safeParse((req.params as { number?: unknown }).number);
    if (!parsed.success) throw new HttpError(400, 'receipt_number_invalid', 'A receipt number is letters, digits and dashes.');
    const t = guards.terminalOf(req);
    const rows = await db.query<{
      event_id: string;
      receipt_id: string;
      customer_id: string | null;
      sold_at: Date | string;
      sale: StoreReceipt['sale'];
      till_totals: StoreReceipt['totals'];
      payment: StoreReceipt['payment'];
      posted: StoreReceipt['priced'];
    }>(
      `SELECT event_id, receipt_id, customer_id::text AS customer_id, sold_at, sale, till_totals, payment, posted
       FROM receipts WHERE chain_id = $1 AND store_id = $2 AND upper(receipt_id) = $3
       ORDER BY sold_at DESC LIMIT 1`,
      [t.chainId, t.storeId, parsed.data],
    );
    const r = rows[0];
    if (!r) throw new HttpError(404, 'receipt_not_found', 'No sale of this store has this receipt number.');
    const returns = await db.query<{ result: StoreReceipt['returns'][number] }>(
      'SELECT result FROM receipt_returns WHERE sale_event_id = $1 ORDER BY returned_at, event_id',
      [r.event_id],
    );
    const answer: StoreReceipt = {
      eventId: r.event_id,
      receiptId: r.receipt_id,
      customerId: r.customer_id,
      soldAt: new Date(r.sold_at).toISOString(),
      sale: r.sale,
      totals: r.till_totals,
      payment: r.payment,
      priced: r.posted,
      returns: returns.map((x) => x.result),
    };
    return answer;
  });
}
