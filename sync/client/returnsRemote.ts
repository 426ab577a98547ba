import type { SaleEvent } from '../protocol/events';
import { StoreReceipt } from '../protocol/receipts';
import type { ApiCaller } from './api';
import type { ReceiptRecord } from './records';
import { findReceipt } from './returns';
import type { TillDb } from './tillDb';

export type FoundReceipt = { ok: true; receipt: ReceiptRecord } | { ok: false; reason: 'notFound' | 'offline' | 'serverError' };

/**
 * A receipt to return, from any till of the store: this till's journal first, then the server.
 * A receipt found at the server is kept in the journal (marked foreign, out of this shift's
 * history), so the return is priced, committed and resumed after a crash like a local one;
 * the server's ledger reverses its bonuses when the return event arrives.
 */
export async function findStoreReceipt(db: TillDb, api: ApiCaller, receiptNo: string): Promise<FoundReceipt> {
  const local = await findReceipt(db, receiptNo);
  if (local && !local.foreign) return { ok: true, receipt: local };
  const no = receiptNo.trim();
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(no)) return local ? { ok: true, receipt: local } : { ok: false, reason: 'notFound' };
  const res = await api('GET', `/api/v1/terminal/receipts/${encodeURIComponent(no)}`);
  if (!res.ok) {
    // Offline: a foreign receipt fetched before is still returnable from the journal.
    if (local) return { ok: true, receipt: local };
    return { ok: false, reason: res.status === 404 ? 'notFound' : res.offline ? 'offline' : 'serverError' };
  }
  const parsed = StoreReceipt.safeParse(res.body);
  if (!parsed.success) return { ok: false, reason: 'serverError' };
  // The priced receipt was checked where a return reads it; the rest travels as the server wrote it.
  const r = parsed.data as unknown as StoreReceipt;
  const event: SaleEvent = { eventId: r.eventId, occurredAt: r.soldAt, type: 'sale', sale: r.sale, totals: r.totals, payment: r.payment };
  const record = await db.transaction('rw', db.journal, async () => {
    const kept = await db.journal.get(r.receiptId);
    // Returns this till made but has not pushed yet are not at the server: keep the longer history.
    const returns = kept?.returns && kept.returns.length > r.returns.length ? kept.returns : r.returns;
    const next: ReceiptRecord = {
      ...(kept ?? {}),
      receiptId: r.receiptId,
      eventId: r.eventId,
      createdAt: Date.parse(r.soldAt),
      customerId: r.customerId,
      event,
      synced: true,
      priced: r.priced,
      returns,
      foreign: true,
    };
    await db.journal.put(next);
    return next;
  });
  return { ok: true, receipt: record };
}
