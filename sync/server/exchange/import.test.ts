import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app';
import type { Database } from '../db/database';
import { seedDemo } from '../demoSeed';
import { testDatabases } from '../testing/databases';
import type { ImportReport } from './applyCatalogue';

const ADMIN = 'admin-token-for-tests-0123456789';
const admin = { authorization: `Bearer ${ADMIN}` };
const sample = (name: string): Buffer => readFileSync(new URL(`./testing/${name}`, import.meta.url));

describe.each(testDatabases())('catalogue import on $name', ({ open }) => {
  let db: Database;
  let app: FastifyInstance;
  beforeAll(async () => {
    db = await open();
    await seedDemo(db, 10);
    app = await buildApp({ db, adminToken: ADMIN });
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  async function post(
    url: string,
    body: Buffer | string,
    type = 'application/xml',
  ): Promise<{ status: number; json: ImportReport & { code?: string; message?: string } }> {
    const res = await app.inject({ method: 'POST', url, headers: { ...admin, 'content-type': type }, payload: body });
    return { status: res.statusCode, json: res.json() };
  }
  const seq = async (): Promise<number> => Number((await db.query<{ n: string }>('SELECT max(change_seq)::text AS n FROM store_prices'))[0]?.n ?? 0);

  it('imports the sample catalogue and offers, then a second run changes nothing', async () => {
    // A preview answers the very report the import will, and writes nothing.
    const imports = async () => Number((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM exchange_imports'))[0]!.n);
    const before = { seq: await seq(), imports: await imports() };
    const preview = await post('/api/v1/admin/chains/1/import/commerceml?preview=true', sample('import.xml'));
    expect(preview.json).toMatchObject({ preview: true, products: { created: 4, unchanged: 1 }, categories: { created: 4 }, refusedTotal: 2 });
    expect(await db.query("SELECT 1 FROM products WHERE id LIKE '6f1a0c1e-%'")).toEqual([]);
    expect({ seq: await seq(), imports: await imports() }).toEqual(before);
    const csvPreview = await post('/api/v1/admin/chains/1/import/csv/stores?preview=true', 'id;name\nshop-p;Магазин\n', 'text/csv');
    expect(csvPreview.json).toMatchObject({ preview: true, stores: { created: 1 } });
    expect(await db.query("SELECT 1 FROM stores WHERE external_id = 'shop-p'")).toEqual([]);

    const cat = await post('/api/v1/admin/chains/1/import/commerceml', sample('import.xml'));
    // The same counts and refusals (a previewed new store's id is not kept: ids come from a sequence).
    for (const k of ['categories', 'products', 'stores', 'prices', 'refused'] as const) expect(cat.json[k]).toEqual(preview.json[k]);
    expect(cat.status).toBe(200);
    expect(cat.json.categories).toMatchObject({ created: 4, updated: 0 });
    expect(cat.json.stores).toMatchObject({ created: 2 });
    expect(cat.json.products).toMatchObject({ created: 4, unchanged: 1 });
    const fiscal = await db.query<{ name: string; vat: string | null; marked: boolean }>(
      "SELECT name, vat, marked FROM products WHERE chain_id = 1 AND id LIKE '6f1a0c1e-%' ORDER BY id",
    );
    expect(fiscal.map((p) => [p.name.split(' ')[0], p.vat, p.marked])).toEqual([
      ['Молоко', 'vat10', false],
      ['Сыр', 'vat10', false],
      ['Яблоки', null, false],
      ['Кроссовки', 'vat22', true],
    ]);
    expect(cat.json.refused.map((r) => r.code)).toEqual(['missing_group', 'invalid_barcode']);

    const offers = await post('/api/v1/admin/chains/1/import/commerceml', sample('offers.xml'));
    expect(offers.status).toBe(200);
    const stores = Number((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM stores WHERE chain_id = 1'))[0]!.n);
    // Milk in every store of the chain, the cheese only where the offer names its store.
    expect(offers.json.prices).toMatchObject({ created: stores + 1, updated: 0, unchanged: 0 });
    expect(offers.json.refused.map((r) => r.code).sort()).toEqual(['invalid_price', 'unknown_product']);
    const [cheese] = await db.query<{ store: string; price: string }>(
      `SELECT s.external_id AS store, sp.price_kopecks::text AS price FROM store_prices sp JOIN stores s ON s.id = sp.store_id
       WHERE sp.product_id = '6f1a0c1e-1111-4111-8111-000000000002'`,
    );
    expect(cheese).toEqual({ store: 'wh-tverskaya', price: '74900' });

    const seqBefore = await seq();
    const again = await post('/api/v1/admin/chains/1/import/commerceml', sample('import.xml'));
    const offersAgain = await post('/api/v1/admin/chains/1/import/commerceml', sample('offers.xml'));
    for (const r of [again.json, offersAgain.json]) {
      for (const kind of ['categories', 'products', 'stores', 'prices'] as const) expect(r[kind]).toMatchObject({ created: 0, updated: 0, deleted: 0 });
      expect(r.changes).toEqual([]);
    }
    expect(await seq()).toBe(seqBefore);
  });

  it('applies a changed price and a deletion incrementally, and reports exactly those', async () => {
    const changed = sample('offers.xml').toString('utf8').replace('<ЦенаЗаЕдиницу>89.90</ЦенаЗаЕдиницу>', '<ЦенаЗаЕдиницу>94.90</ЦенаЗаЕдиницу>');
    const res = await post('/api/v1/admin/chains/1/import/commerceml', Buffer.from(changed));
    const stores = Number((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM stores WHERE chain_id = 1'))[0]!.n);
    expect(res.json.prices).toMatchObject({ created: 0, updated: stores, unchanged: 1 });
    expect(new Set(res.json.changes.map((c) => c.id))).toEqual(new Set(['6f1a0c1e-1111-4111-8111-000000000001']));

    const gone = sample('import.xml')
      .toString('utf8')
      .replace('</ЗначенияРеквизитов>\n      </Товар>', '</ЗначенияРеквизитов>\n        <ПометкаУдаления>true</ПометкаУдаления>\n      </Товар>');
    const del = await post('/api/v1/admin/chains/1/import/commerceml', Buffer.from(gone));
    expect(del.json.products.deleted).toBe(1);
    const live = await db.query("SELECT 1 FROM store_prices WHERE product_id = '6f1a0c1e-1111-4111-8111-000000000001' AND NOT deleted");
    expect(live).toEqual([]);
  });

  it('imports CSV stores, products and per-store prices; refuses bad rows with their line', async () => {
    const storesCsv = 'id;name\nshop-77;Магазин у дома\n';
    expect((await post('/api/v1/admin/chains/1/import/csv/stores', storesCsv, 'text/csv')).json.stores).toMatchObject({ created: 1 });
    const products =
      '\uFEFFid;name;category_id;category_name;ean;weighed\nP-1;Хлеб бородинский;bread;Хлеб;4607001770046;0\nP-2;Батон;nowhere;;;0\nP-3;Сушки;bread;Хлеб;123;нет\n';
    const p = await post('/api/v1/admin/chains/1/import/csv/products', products, 'text/csv');
    expect(p.json.products).toMatchObject({ created: 1 });
    expect(p.json.refused.map((r) => [r.line, r.code])).toEqual([
      [4, 'invalid_barcode'],
      [3, 'unknown_category'],
    ]);
    const prices = 'product_id,store,price\nP-1,shop-77,"54,90"\nP-1,shop-99,10\nP-9,,1.00\nP-1,,abc\n';
    const r = await post('/api/v1/admin/chains/1/import/csv/prices', prices, 'text/csv');
    expect(r.json.prices).toMatchObject({ created: 1 });
    expect(r.json.refused.map((x) => x.code)).toEqual(['invalid_price', 'unknown_store', 'unknown_product']);
    // VAT and marking by CSV; a file without those columns keeps them.
    const fiscal = await post(
      '/api/v1/admin/chains/1/import/csv/products',
      'id;name;category_id;vat;marked\nP-1;Хлеб бородинский;bread;10;да\nP-4;Вода;bread;18;0\n',
      'text/csv',
    );
    expect(fiscal.json.products).toMatchObject({ updated: 1 });
    expect(fiscal.json.refused.map((x) => [x.line, x.code])).toEqual([[3, 'invalid_vat']]);
    const renamed = await post('/api/v1/admin/chains/1/import/csv/products', 'id;name;category_id\nP-1;Хлеб Бородинский;bread\n', 'text/csv');
    expect(renamed.json.products).toMatchObject({ updated: 1 });
    expect(await db.query("SELECT vat, marked FROM products WHERE chain_id = 1 AND id = 'P-1'")).toEqual([{ vat: 'vat10', marked: true }]);
    const again = await post('/api/v1/admin/chains/1/import/csv/prices', prices, 'text/csv');
    expect(again.json.prices).toMatchObject({ created: 0, updated: 0, unchanged: 1 });
  });

  it('answers bad uploads with a 4xx and a reason, never a 5xx', async () => {
    expect((await post('/api/v1/admin/chains/1/import/csv/prices', 'nope\n1\n', 'text/csv')).json.code).toBe('csv_columns_missing');
    expect((await post('/api/v1/admin/chains/1/import/commerceml', '<!DOCTYPE x><x/>')).status).toBe(422);
    const json = await app.inject({ method: 'POST', url: '/api/v1/admin/chains/1/import/commerceml', headers: admin, payload: { a: 1 } });
    expect(json.statusCode).toBe(415);
    expect((await post('/api/v1/admin/chains/999/import/csv/stores', 'id;name\nx;y\n', 'text/csv')).status).toBe(404);
    const anon = await app.inject({
      method: 'POST',
      url: '/api/v1/admin/chains/1/import/csv/stores',
      headers: { 'content-type': 'text/csv' },
      payload: 'id;name\nx;y\n',
    });
    expect(anon.statusCode).toBe(401);
    const history = await app.inject({ method: 'GET', url: '/api/v1/admin/chains/1/imports', headers: admin });
    expect(history.json().imports.length).toBeGreaterThan(3);
  });
});
