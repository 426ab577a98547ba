import { DeskPage } from '../protocol/deskSettings';
import { OfferPage, ProductPage, ProgrammePage } from '../protocol/pull';
import type { ApiCaller } from './api';
import type { TillDb } from './tillDb';

export type CatalogueOutcome = { ok: true } | { ok: false; offline: boolean; message: string };

type Collection = 'offers' | 'programme' | 'products' | 'desk';
const schemas = { offers: OfferPage, programme: ProgrammePage, products: ProductPage, desk: DeskPage } as const;

/**
 * Pull what a sale needs offline: the programme, the offers for this store and this store's
 * products with prices, and the desk settings head office set (quick keys, scale labels). Each page is stored with its cursor in one transaction, as customers are.
 */
export async function pullCatalogue(db: TillDb, api: ApiCaller, pageSize = 1_000): Promise<CatalogueOutcome> {
  for (const collection of ['programme', 'offers', 'products', 'desk'] as const) {
    const outcome = await pullCollection(db, api, collection, pageSize);
    if (!outcome.ok) return outcome;
  }
  return { ok: true };
}

async function pullCollection(db: TillDb, api: ApiCaller, collection: Collection, pageSize: number): Promise<CatalogueOutcome> {
  for (;;) {
    const state = await db.syncState.get(collection);
    const res = await api('GET', `/api/v1/pull/${collection}`, { cursor: state?.cursor ?? '0', limit: String(pageSize) });
    if (!res.ok) return { ok: false, offline: res.offline, message: res.message };
    const page = schemas[collection].safeParse(res.body);
    if (!page.success) return { ok: false, offline: false, message: `The server sent a ${collection} page the till cannot read.` };
    const p = page.data;
    await db.transaction('rw', [db.products, db.offers, db.programme, db.desk, db.syncState], async () => {
      if (p.collection === 'products') {
        await db.products.bulkDelete(p.items.filter((i) => i.deleted).map((i) => i.id));
        await db.products.bulkPut(p.items.filter((i) => !i.deleted));
      } else if (p.collection === 'offers') {
        await db.offers.bulkDelete(p.items.filter((i) => i.deleted || !i.offer).map((i) => i.id));
        await db.offers.bulkPut(p.items.flatMap((i) => (!i.deleted && i.offer ? [{ id: i.id, offer: i.offer }] : [])));
      } else if (p.collection === 'desk') {
        const latest = p.items.at(-1);
        if (latest) await db.desk.put({ key: 'current', settings: latest.settings });
      } else {
        const latest = p.items.at(-1);
        if (latest) await db.programme.put({ key: 'current', programme: latest.programme });
      }
      const loaded = (state?.loaded ?? 0) + p.items.length;
      await db.syncState.put({ collection, cursor: p.cursor, remaining: p.remaining, loaded, updatedAt: Date.now(), complete: !p.hasMore });
    });
    if (!p.hasMore) return { ok: true };
  }
}
