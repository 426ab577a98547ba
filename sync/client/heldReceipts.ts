import { randomId } from './ids';
import type { DraftRecord, HeldRecord } from './records';
import type { TillDb } from './tillDb';

/** What the list of held receipts shows: no personal data beyond the first name the sale showed. */
export interface HeldSummary {
  id: string;
  heldAt: number;
  lines: number;
  firstName: string | null;
  /** Sum of the lines at shelf price, kopecks (the resumed sale is priced again). */
  subtotal: number;
}

export function summarise(h: HeldRecord): HeldSummary {
  return {
    id: h.id,
    heldAt: h.heldAt,
    lines: h.items.length,
    firstName: h.customer?.customer.firstName ?? null,
    subtotal: h.items.reduce((s, i) => s + Math.round(((i.manualPriceKopecks ?? i.product.priceKopecks) * i.quantityMilli) / 1000), 0),
  };
}

/**
 * Put the open sale aside: the held record is written and the draft deleted in one strict
 * transaction, so a crash leaves the sale in exactly one of the two places.
 */
export async function holdDraft(
  db: TillDb,
  draft: Pick<DraftRecord, 'items' | 'customer' | 'redeem' | 'coupons'>,
  cashierId: string | null,
  now: number,
): Promise<HeldRecord> {
  const record: HeldRecord = {
    id: randomId(),
    heldAt: now,
    items: draft.items,
    customer: draft.customer,
    redeem: draft.redeem,
    cashierId,
    ...(draft.coupons?.length ? { coupons: draft.coupons } : {}),
  };
  await db.transaction('rw', [db.held, db.draft], async () => {
    await db.held.put(record);
    await db.draft.delete('current');
  });
  return record;
}

/** Take a held sale back as the open sale (same transaction rule as holding it); null when gone. */
export async function resumeHeld(db: TillDb, id: string, now: number): Promise<HeldRecord | null> {
  return db.transaction('rw', [db.held, db.draft], async () => {
    const h = await db.held.get(id);
    if (!h) return null;
    const draft: DraftRecord = {
      key: 'current',
      items: h.items,
      customer: h.customer,
      redeem: h.redeem,
      payment: null,
      fiscal: null,
      updatedAt: now,
      ...(h.coupons?.length ? { coupons: h.coupons } : {}),
    };
    await db.draft.put(draft);
    await db.held.delete(id);
    return h;
  });
}

export async function listHeld(db: TillDb): Promise<HeldSummary[]> {
  return (await db.held.orderBy('heldAt').toArray()).map(summarise);
}

/** At shift close the cashier chose to drop the held sales left (nothing was paid for them). */
export async function discardAllHeld(db: TillDb): Promise<number> {
  const n = await db.held.count();
  await db.held.clear();
  return n;
}
