import type { Offer, PricedReceipt, Programme } from '../../core/engine';
import { effectiveContext, saleEffect, type CustomerContext, type SaleEffect, type ServerContext } from '../../core/loyalty/customerContext';
import { DAY_MS, type RecentRedemption } from '../../core/loyalty/dailySpend';
import { ContextPage } from '../protocol/pull';
import type { SaleEvent } from '../protocol/events';
import type { ApiCaller } from './api';
import { recordCouponUses } from './coupons';
import type { TillDb } from './tillDb';

/**
 * The per-customer pricing context at the till (core/loyalty/customerContext.ts): the server's
 * values in `customerContexts`, pulled as their own section (`/api/v1/pull/contexts`), and this
 * till's sales on top in `contextEffects`, written in the checkout's own transaction. A return
 * changes neither: the server keeps a sale's purchase and offer uses when goods come back.
 */

export type ContextOutcome = { ok: true; stored: number } | { ok: false; offline: boolean; message: string };

/** The tables a checkout must include in its transaction to record the sale's effect. */
export const contextTables = (db: TillDb) => [db.contextEffects, db.coupons, db.couponsUsed] as const;

/** Pull changed contexts page by page, each page with its cursor in one transaction. */
export async function pullContexts(db: TillDb, api: ApiCaller, pageSize = 5_000): Promise<ContextOutcome> {
  let stored = 0;
  for (;;) {
    const state = await db.syncState.get('contexts');
    const res = await api('GET', '/api/v1/pull/contexts', { cursor: state?.cursor ?? '0', limit: String(pageSize) });
    if (!res.ok) return { ok: false, offline: res.offline, message: res.message };
    const page = ContextPage.safeParse(res.body);
    if (!page.success) return { ok: false, offline: false, message: 'The server sent a customer context page the till cannot read.' };
    const p = page.data;
    await storeContextPage(db, p);
    stored += p.items.length;
    if (!p.hasMore) return { ok: true, stored };
  }
}

export async function storeContextPage(db: TillDb, p: ContextPage): Promise<void> {
  await db.transaction('rw', [db.customerContexts, db.contextEffects, db.syncState], async () => {
    const empty = (c: ServerContext) => c.purchaseCount === 0 && c.segments.length === 0 && c.uses.length === 0 && !c.expiring;
    await db.customerContexts.bulkDelete(p.items.filter(empty).map((c) => c.customerId));
    await db.customerContexts.bulkPut(p.items.filter((c) => !empty(c)));
    // The server has these sales now: their effects are in its figures.
    const known = p.items.flatMap((c) => c.recentEventIds);
    if (known.length > 0) await db.contextEffects.bulkDelete(known);
    const state = await db.syncState.get('contexts');
    await db.syncState.put({
      collection: 'contexts',
      cursor: p.cursor,
      remaining: p.remaining,
      loaded: (state?.loaded ?? 0) + p.items.length,
      updatedAt: Date.now(),
      complete: !p.hasMore,
    });
  });
}

/** Record what a committed sale changes for its customer, and the coupons it used; call inside the checkout's transaction. */
export async function recordSaleEffect(
  db: TillDb,
  event: SaleEvent,
  priced: Pick<PricedReceipt, 'appliedOffers' | 'totals'>,
  limited: readonly Offer[],
): Promise<void> {
  await recordCouponUses(db, event);
  const customerId = event.sale.customer?.id;
  if (!customerId) return;
  await db.contextEffects.put(saleEffect({ eventId: event.eventId, customerId, atMs: Date.parse(event.occurredAt) }, priced, limited));
}

/**
 * The customer's context as this till knows it now: the server's plus its own sales since, and the
 * bonuses this till let them spend in the last 24 hours (the chain's daily cap, core/loyalty/dailySpend.ts).
 */
export async function loadContext(
  db: TillDb,
  programme: Programme,
  customerId: string,
  cachedTier: string | null,
  nowMs: number = Date.now(),
): Promise<CustomerContext & { recentRedemptions?: RecentRedemption[] }> {
  const [server, effects, receipts] = await Promise.all([
    db.customerContexts.get(customerId),
    db.contextEffects.where('customerId').equals(customerId).toArray() as Promise<SaleEffect[]>,
    programme.dailySpendCapKopecks === undefined
      ? Promise.resolve([])
      : db.journal
          .where('createdAt')
          .above(nowMs - DAY_MS)
          .toArray(),
  ]);
  const recentRedemptions = receipts
    .filter((r) => r.customerId === customerId && !r.foreign && r.event.totals.redeemed > 0)
    .map((r) => ({ atMs: r.createdAt, kopecks: r.event.totals.redeemed }));
  return { ...effectiveContext(programme, server ?? null, effects, cachedTier), ...(recentRedemptions.length > 0 ? { recentRedemptions } : {}) };
}
