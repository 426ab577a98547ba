import type { VatRate } from '../../../core/fiscal/receiptPositions';
import { guardChangeFeed } from '../changeFeed';
import type { Database, Sql } from '../db/database';
import { HttpError } from '../httpError';
import { lineOf, type CatalogueBatch, type Refusal } from './catalogueBatch';

/**
 * Applies a catalogue batch to one chain in one transaction, writing only what differs from
 * the database: a second run of the same file changes nothing (every count lands in
 * `unchanged`) and takes no change_seq, so no till pulls anything again. Stores are matched on
 * their external id, products and categories on the back office's ids. Nothing is ever deleted:
 * a product marked for deletion stops being sold (its prices become tombstones for the tills).
 */
export interface Counts {
  created: number;
  updated: number;
  unchanged: number;
  deleted: number;
}

export interface ImportReport {
  chainId: number;
  source: CatalogueBatch['source'];
  onlyChanges: boolean;
  categories: Counts;
  products: Counts;
  stores: Counts;
  prices: Counts;
  /** The first changes, for a person to read (all of them are counted above). */
  changes: { kind: 'category' | 'product' | 'store' | 'price'; id: string; action: 'created' | 'updated' | 'deleted'; storeId?: number }[];
  refused: Refusal[];
  refusedTotal: number;
  /** A preview: nothing was written. */
  preview?: boolean;
}

const LIST_CAP = 1000;
const zero = (): Counts => ({ created: 0, updated: 0, unchanged: 0, deleted: 0 });

/** Thrown out of a preview's transaction so that it rolls back, carrying the report it made. */
class Preview extends Error {
  constructor(readonly report: ImportReport) {
    super('preview');
  }
}

/**
 * `preview`: work out the very same report (what would be created, updated, refused) inside the
 * transaction, then roll it back: nothing is written, no till pulls anything, no report is kept.
 */
export async function applyCatalogue(db: Database, chainId: number, batch: CatalogueBatch, options: { preview?: boolean } = {}): Promise<ImportReport> {
  if (!options.preview) return applyInTransaction(db, chainId, batch, false);
  try {
    await applyInTransaction(db, chainId, batch, true);
  } catch (e) {
    if (e instanceof Preview) return e.report;
    throw e;
  }
  throw new Error('a preview must roll back');
}

async function applyInTransaction(db: Database, chainId: number, batch: CatalogueBatch, preview: boolean): Promise<ImportReport> {
  return db.transaction(async (tx) => {
    const [chain] = await tx.query('SELECT id FROM chains WHERE id = $1 FOR UPDATE', [chainId]);
    if (!chain) throw new HttpError(404, 'chain_not_found', `No chain ${chainId}.`);
    await guardChangeFeed(tx);
    const report: ImportReport = {
      chainId,
      source: batch.source,
      onlyChanges: batch.onlyChanges,
      categories: zero(),
      products: zero(),
      stores: zero(),
      prices: zero(),
      changes: [],
      refused: [],
      refusedTotal: 0,
    };
    const refusals = [...batch.refused];
    const note = (c: ImportReport['changes'][number]): void => {
      if (report.changes.length < LIST_CAP) report.changes.push(c);
    };
    await applyStores(tx, chainId, batch, report, note);
    const categories = await applyCategories(tx, chainId, batch, report, note, refusals);
    const products = await applyProducts(tx, chainId, batch, categories, report, note, refusals);
    await applyPrices(tx, chainId, batch, products, report, note, refusals);
    report.refusedTotal = refusals.length;
    report.refused = refusals.slice(0, LIST_CAP);
    if (preview) throw new Preview({ ...report, preview: true });
    await tx.query('INSERT INTO exchange_imports (chain_id, source, report) VALUES ($1, $2, $3)', [chainId, batch.source, JSON.stringify(report)]);
    return report;
  });
}

type Note = (c: ImportReport['changes'][number]) => void;

async function applyStores(tx: Sql, chainId: number, batch: CatalogueBatch, report: ImportReport, note: Note): Promise<void> {
  if (batch.stores.length === 0) return;
  const rows = await tx.query<{ id: number; external_id: string; name: string }>(
    'SELECT id, external_id, name FROM stores WHERE chain_id = $1 AND external_id IS NOT NULL',
    [chainId],
  );
  const known = new Map(rows.map((r) => [r.external_id, r]));
  for (const s of batch.stores) {
    const was = known.get(s.externalId);
    if (was && was.name === s.name) {
      report.stores.unchanged++;
    } else if (was) {
      await tx.query('UPDATE stores SET name = $1 WHERE id = $2', [s.name, was.id]);
      report.stores.updated++;
      note({ kind: 'store', id: s.externalId, action: 'updated', storeId: Number(was.id) });
    } else {
      const [row] = await tx.query<{ id: number }>('INSERT INTO stores (chain_id, name, external_id) VALUES ($1, $2, $3) RETURNING id', [
        chainId,
        s.name,
        s.externalId,
      ]);
      known.set(s.externalId, { id: Number(row!.id), external_id: s.externalId, name: s.name });
      report.stores.created++;
      note({ kind: 'store', id: s.externalId, action: 'created', storeId: Number(row!.id) });
    }
  }
}

/** Returns every category id the chain has after the import. */
async function applyCategories(tx: Sql, chainId: number, batch: CatalogueBatch, report: ImportReport, note: Note, refusals: Refusal[]): Promise<Set<string>> {
  const rows = await tx.query<{ id: string; name: string; parent_id: string | null }>('SELECT id, name, parent_id FROM categories WHERE chain_id = $1', [
    chainId,
  ]);
  const known = new Map(rows.map((r) => [r.id, r]));
  const all = new Set([...known.keys(), ...batch.categories.map((c) => c.id)]);
  const write: { id: string; name: string; parentId: string | null }[] = [];
  const seen = new Set<string>();
  for (const c of batch.categories) {
    if (seen.has(c.id)) continue;
    seen.add(c.id);
    if (c.parentId !== null && !all.has(c.parentId)) {
      refusals.push({
        ...lineOf(c),
        kind: 'category',
        id: c.id,
        code: 'unknown_parent',
        message: `The parent group "${c.parentId}" is neither in the file nor known.`,
      });
      all.delete(c.id);
      continue;
    }
    const was = known.get(c.id);
    if (was && was.name === c.name && was.parent_id === c.parentId) {
      report.categories.unchanged++;
      continue;
    }
    write.push(c);
    report.categories[was ? 'updated' : 'created']++;
    note({ kind: 'category', id: c.id, action: was ? 'updated' : 'created' });
  }
  if (write.length > 0) {
    await tx.query(
      `INSERT INTO categories (chain_id, id, name, parent_id)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[])
       ON CONFLICT (chain_id, id) DO UPDATE SET name = EXCLUDED.name, parent_id = EXCLUDED.parent_id`,
      [chainId, write.map((c) => c.id), write.map((c) => c.name), write.map((c) => c.parentId)],
    );
  }
  return all;
}

interface ProductState {
  deleted: boolean;
}

/** Returns the products prices may refer to (known or imported), with whether each is deleted. */
async function applyProducts(
  tx: Sql,
  chainId: number,
  batch: CatalogueBatch,
  categories: Set<string>,
  report: ImportReport,
  note: Note,
  refusals: Refusal[],
): Promise<Map<string, ProductState>> {
  const wanted = [...new Set([...batch.products.map((p) => p.id), ...batch.prices.map((p) => p.productId)])];
  const rows = await tx.query<{
    id: string;
    ean: string | null;
    name: string;
    category_id: string;
    weighed: boolean;
    vat: VatRate | null;
    marked: boolean;
    sold: boolean;
  }>(
    `SELECT p.id, p.ean, p.name, p.category_id, p.weighed, p.vat, p.marked,
            EXISTS (SELECT 1 FROM store_prices sp WHERE sp.chain_id = p.chain_id AND sp.product_id = p.id AND NOT sp.deleted) AS sold
     FROM products p WHERE p.chain_id = $1 AND p.id = ANY($2::text[])`,
    [chainId, wanted],
  );
  const known = new Map(rows.map((r) => [r.id, r]));
  const eans = batch.products.map((p) => p.ean).filter((e): e is string => e !== null);
  const eanOwners = new Map(
    (await tx.query<{ id: string; ean: string }>('SELECT id, ean FROM products WHERE chain_id = $1 AND ean = ANY($2::text[])', [chainId, eans])).map((r) => [
      r.ean,
      r.id,
    ]),
  );
  const state = new Map<string, ProductState>(rows.map((r) => [r.id, { deleted: false }]));
  const write: (CatalogueBatch['products'][number] & { vat: VatRate | null; marked: boolean })[] = [];
  const bump: string[] = [];
  const stop: string[] = [];
  const seen = new Set<string>();
  for (const p of batch.products) {
    if (seen.has(p.id)) {
      refusals.push({ ...lineOf(p), kind: 'product', id: p.id, code: 'duplicate_id', message: 'The same Ид appears twice in the file; the first was taken.' });
      continue;
    }
    seen.add(p.id);
    if (!categories.has(p.categoryId)) {
      refusals.push({
        ...lineOf(p),
        kind: 'product',
        id: p.id,
        code: 'unknown_category',
        message: `The group "${p.categoryId}" is neither in the file nor known.`,
      });
      state.delete(p.id);
      continue;
    }
    const owner = p.ean === null ? undefined : eanOwners.get(p.ean);
    if (owner !== undefined && owner !== p.id) {
      refusals.push({
        ...lineOf(p),
        kind: 'product',
        id: p.id,
        code: 'duplicate_barcode',
        message: `The barcode ${p.ean} already belongs to product "${owner}".`,
      });
      continue;
    }
    if (p.ean !== null) eanOwners.set(p.ean, p.id);
    state.set(p.id, { deleted: p.deleted });
    const was = known.get(p.id);
    if (p.deleted) {
      if (was?.sold) {
        stop.push(p.id);
        report.products.deleted++;
        note({ kind: 'product', id: p.id, action: 'deleted' });
      } else {
        report.products.unchanged++;
      }
      continue;
    }
    // VAT and marking the file does not state stay as they are.
    const vat = p.vat === undefined ? (was?.vat ?? null) : p.vat;
    const marked = p.marked ?? was?.marked ?? false;
    if (
      was &&
      was.ean === p.ean &&
      was.name === p.name &&
      was.category_id === p.categoryId &&
      was.weighed === p.weighed &&
      was.vat === vat &&
      was.marked === marked
    ) {
      report.products.unchanged++;
      continue;
    }
    write.push({ ...p, vat, marked });
    if (was) bump.push(p.id);
    report.products[was ? 'updated' : 'created']++;
    note({ kind: 'product', id: p.id, action: was ? 'updated' : 'created' });
  }
  if (write.length > 0) {
    // A barcode moving between two products in one file: clear the old owners first so the unique index holds.
    await tx.query('UPDATE products SET ean = NULL WHERE chain_id = $1 AND ean = ANY($2::text[]) AND NOT (id = ANY($3::text[]))', [
      chainId,
      write.map((p) => p.ean).filter((e) => e !== null),
      write.map((p) => p.id),
    ]);
    await tx.query(
      `INSERT INTO products (chain_id, id, ean, name, category_id, weighed, vat, marked)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::boolean[], $7::text[], $8::boolean[])
       ON CONFLICT (chain_id, id) DO UPDATE SET ean = EXCLUDED.ean, name = EXCLUDED.name, category_id = EXCLUDED.category_id,
         weighed = EXCLUDED.weighed, vat = EXCLUDED.vat, marked = EXCLUDED.marked`,
      [
        chainId,
        write.map((p) => p.id),
        write.map((p) => p.ean),
        write.map((p) => p.name),
        write.map((p) => p.categoryId),
        write.map((p) => p.weighed),
        write.map((p) => p.vat),
        write.map((p) => p.marked),
      ],
    );
  }
  // The tills hold products per store price: a changed product reaches them through its prices' change_seq.
  if (bump.length > 0) {
    await tx.query("UPDATE store_prices SET change_seq = nextval('change_seq') WHERE chain_id = $1 AND product_id = ANY($2::text[])", [chainId, bump]);
  }
  if (stop.length > 0) {
    await tx.query(
      "UPDATE store_prices SET deleted = true, change_seq = nextval('change_seq') WHERE chain_id = $1 AND product_id = ANY($2::text[]) AND NOT deleted",
      [chainId, stop],
    );
  }
  return state;
}

async function applyPrices(
  tx: Sql,
  chainId: number,
  batch: CatalogueBatch,
  products: Map<string, ProductState>,
  report: ImportReport,
  note: Note,
  refusals: Refusal[],
): Promise<void> {
  if (batch.prices.length === 0) return;
  const storeRows = await tx.query<{ id: number; external_id: string | null }>('SELECT id, external_id FROM stores WHERE chain_id = $1 ORDER BY id', [chainId]);
  const byExternal = new Map(storeRows.filter((s) => s.external_id !== null).map((s) => [s.external_id!, Number(s.id)]));
  const allStores = storeRows.map((s) => Number(s.id));
  const ids = [...new Set(batch.prices.map((p) => p.productId))];
  const existing = new Map(
    (
      await tx.query<{ store_id: number; product_id: string; price_kopecks: number; deleted: boolean }>(
        'SELECT store_id, product_id, price_kopecks, deleted FROM store_prices WHERE chain_id = $1 AND product_id = ANY($2::text[])',
        [chainId, ids],
      )
    ).map((r) => [`${r.store_id}\u0000${r.product_id}`, { price: Number(r.price_kopecks), deleted: r.deleted }]),
  );
  const write = { stores: [] as number[], products: [] as string[], prices: [] as number[], deleted: [] as boolean[] };
  const push = (storeId: number, productId: string, kopecks: number, deleted: boolean): void => {
    write.stores.push(storeId);
    write.products.push(productId);
    write.prices.push(kopecks);
    write.deleted.push(deleted);
  };
  const done = new Set<string>();
  for (const p of batch.prices) {
    const product = products.get(p.productId);
    if (!product) {
      refusals.push({
        ...lineOf(p),
        kind: 'price',
        id: p.productId,
        code: 'unknown_product',
        message: 'No product with this Ид is known or in the file; import the catalogue (import.xml) first.',
      });
      continue;
    }
    if (product.deleted && !p.deleted) {
      refusals.push({
        ...lineOf(p),
        kind: 'price',
        id: p.productId,
        code: 'product_deleted',
        message: 'The product is marked for deletion; its price is not imported.',
      });
      continue;
    }
    let targets = allStores;
    if (p.storeExternalIds !== null) {
      const unknown = p.storeExternalIds.filter((s) => !byExternal.has(s));
      if (unknown.length > 0) {
        refusals.push({
          ...lineOf(p),
          kind: 'price',
          id: p.productId,
          code: 'unknown_store',
          message: `No store has the external id "${unknown[0]}"; import the stores first.`,
        });
      }
      targets = p.storeExternalIds.filter((s) => byExternal.has(s)).map((s) => byExternal.get(s)!);
    }
    for (const storeId of targets) {
      const key = `${storeId}\u0000${p.productId}`;
      if (done.has(key)) continue;
      done.add(key);
      const was = existing.get(key);
      if (p.deleted) {
        if (was && !was.deleted) {
          report.prices.deleted++;
          note({ kind: 'price', id: p.productId, action: 'deleted', storeId });
          push(storeId, p.productId, was.price, true);
        } else report.prices.unchanged++;
        continue;
      }
      if (was && !was.deleted && was.price === p.priceKopecks) {
        report.prices.unchanged++;
        continue;
      }
      const action = was && !was.deleted ? 'updated' : 'created';
      report.prices[action]++;
      note({ kind: 'price', id: p.productId, action, storeId });
      push(storeId, p.productId, p.priceKopecks, false);
    }
  }
  if (write.stores.length > 0) {
    await tx.query(
      `INSERT INTO store_prices (store_id, chain_id, product_id, price_kopecks, deleted)
       SELECT s, $1, p, k, d FROM unnest($2::int[], $3::text[], $4::bigint[], $5::boolean[]) AS u(s, p, k, d)
       ON CONFLICT (store_id, product_id) DO UPDATE
         SET price_kopecks = EXCLUDED.price_kopecks, deleted = EXCLUDED.deleted, change_seq = nextval('change_seq')`,
      [chainId, write.stores, write.products, write.prices, write.deleted],
    );
  }
}
