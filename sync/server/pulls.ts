import { OfferSchema, ProgrammeSchema, type Offer } from '../../core/engine';
import type { VatRate } from '../../core/fiscal/receiptPositions';
import type { OfferPage, ProductPage, ProgrammePage } from '../protocol/pull';
import { changeWatermark, remainingRows } from './changeFeed';
import type { Database } from './db/database';
import type { TerminalContext } from './terminals';

/** Whether an offer runs in this terminal's store: chain-wide, its region, or its store. */
function inScope(offer: Offer, t: TerminalContext): boolean {
  const s = offer.scope;
  if (s.kind === 'chain') return true;
  if (s.kind === 'regions') return t.regionId !== null && s.regionIds.includes(String(t.regionId));
  return s.storeIds.includes(String(t.storeId));
}

/**
 * Offers changed after `cursor`. An offer that ended, or whose scope no longer covers this
 * store, comes as a tombstone so a till drops what it had; other stores' offers are never sent.
 */
export async function pullOffers(db: Database, t: TerminalContext, cursor: string, limit: number): Promise<OfferPage> {
  const upTo = await changeWatermark(db);
  const rows = await db.query<{ id: string; body: unknown; deleted: boolean; change_seq: number }>(
    `SELECT id, body, deleted, change_seq FROM offers
     WHERE chain_id = $1 AND change_seq > $2::bigint AND change_seq <= $3::bigint ORDER BY change_seq LIMIT $4`,
    [t.chainId, cursor, upTo, limit + 1],
  );
  const hasMore = rows.length > limit;
  const page = rows.slice(0, limit);
  const items = page.map((r) => {
    const parsed = OfferSchema.safeParse(r.body);
    const offer = !r.deleted && parsed.success && inScope(parsed.data, t) ? parsed.data : null;
    return { id: r.id, deleted: offer === null, offer };
  });
  const next = page.length > 0 ? String(page.at(-1)!.change_seq) : cursor;
  const remaining = hasMore ? await remainingRows(db, 'offers', 'chain_id = $1 AND change_seq > $2 AND change_seq <= $3', [t.chainId, next, upTo]) : 0;
  return { collection: 'offers', items, cursor: next, hasMore, remaining: hasMore ? Math.max(1, remaining) : 0 };
}

/** The chain's programme, when it changed after `cursor`. */
export async function pullProgramme(db: Database, t: TerminalContext, cursor: string): Promise<ProgrammePage> {
  const upTo = await changeWatermark(db);
  const [row] = await db.query<{ body: unknown; change_seq: number }>(
    'SELECT body, change_seq FROM programmes WHERE chain_id = $1 AND change_seq > $2::bigint AND change_seq <= $3::bigint',
    [t.chainId, cursor, upTo],
  );
  const parsed = row ? ProgrammeSchema.safeParse(row.body) : null;
  return {
    collection: 'programme',
    items: parsed?.success ? [{ programme: parsed.data }] : [],
    cursor: row ? String(row.change_seq) : cursor,
    hasMore: false,
    remaining: 0,
  };
}

/** Products with this store's prices, changed after `cursor`. Categories come with their ancestors. */
export async function pullProducts(db: Database, t: TerminalContext, cursor: string, limit: number): Promise<ProductPage> {
  const upTo = await changeWatermark(db);
  const rows = await db.query<{
    product_id: string;
    price_kopecks: number;
    deleted: boolean;
    change_seq: number;
    ean: string | null;
    name: string;
    category_id: string;
    weighed: boolean;
    vat: VatRate | null;
    marked: boolean;
  }>(
    `SELECT sp.product_id, sp.price_kopecks, sp.deleted, sp.change_seq, p.ean, p.name, p.category_id, p.weighed, p.vat, p.marked
     FROM store_prices sp JOIN products p ON p.chain_id = sp.chain_id AND p.id = sp.product_id
     WHERE sp.store_id = $1 AND sp.change_seq > $2::bigint AND sp.change_seq <= $3::bigint
     ORDER BY sp.change_seq LIMIT $4`,
    [t.storeId, cursor, upTo, limit + 1],
  );
  const hasMore = rows.length > limit;
  const page = rows.slice(0, limit);
  const ancestry = await categoryAncestry(db, t.chainId);
  const items = page.map((r) => ({
    id: r.product_id,
    ean: r.ean,
    name: r.name,
    categories: ancestry(r.category_id),
    priceKopecks: Number(r.price_kopecks),
    weighed: r.weighed,
    ...(r.vat !== null ? { vat: r.vat } : {}),
    ...(r.marked ? { marked: true } : {}),
    deleted: r.deleted,
  }));
  const next = page.length > 0 ? String(page.at(-1)!.change_seq) : cursor;
  const remaining = hasMore ? await remainingRows(db, 'store_prices', 'store_id = $1 AND change_seq > $2 AND change_seq <= $3', [t.storeId, next, upTo]) : 0;
  return { collection: 'products', items, cursor: next, hasMore, remaining: hasMore ? Math.max(1, remaining) : 0 };
}

/** category id -> [it, parent, grandparent...]; a cycle in bad data stops the walk. */
async function categoryAncestry(db: Database, chainId: number): Promise<(id: string) => string[]> {
  const rows = await db.query<{ id: string; parent_id: string | null }>('SELECT id, parent_id FROM categories WHERE chain_id = $1', [chainId]);
  const parent = new Map(rows.map((r) => [r.id, r.parent_id]));
  return (id) => {
    const out: string[] = [];
    for (let c: string | null | undefined = id; c && !out.includes(c) && out.length < 50; c = parent.get(c)) out.push(c);
    return out;
  };
}
