import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../server/testing/databases';
import { startTestServer, type TestServer } from '../server/testing/fixtures';
import { toApiAnswer, type ApiCaller } from './api';
import { pullCatalogue } from './catalogue';
import { TillDb } from './tillDb';

let server: TestServer;
let api: ApiCaller;
beforeAll(async () => {
  server = await startTestServer(testDatabases()[0]!.open, { customers: 10 });
  const t = await server.enrol(1);
  api = async (method, path, query) => {
    const qs = query ? `?${new URLSearchParams(query)}` : '';
    const res = await server.inject({ method, url: `${path}${qs}`, headers: { authorization: `Bearer ${t.token}` } });
    return toApiAnswer(res.statusCode, res.json());
  };
});
afterAll(() => server.close());

describe('catalogue pull', () => {
  it("stores the programme, this store's offers and priced products for offline sales, and resumes by cursor", async () => {
    const till = new TillDb('catalogue-test');
    expect(await pullCatalogue(till, api, 50)).toEqual({ ok: true });
    expect((await till.programme.get('current'))?.programme.tiers.length).toBeGreaterThan(0);
    expect(await till.offers.count()).toBeGreaterThan(0);
    const products = await till.products.toArray();
    expect(products.length).toBe(300);
    expect(products.every((p) => p.priceKopecks > 0 && p.categories.length > 0)).toBe(true);
    const withEan = products.find((p) => p.ean)!;
    expect(await till.products.where('ean').equals(withEan.ean!).first()).toMatchObject({ id: withEan.id });
    // Nothing new: a second pull asks from the stored cursors and changes nothing.
    expect(await pullCatalogue(till, api, 50)).toEqual({ ok: true });
    expect(await till.products.count()).toBe(300);
  });

  it('reports the server being away instead of failing', async () => {
    const till = new TillDb('catalogue-offline');
    const down: ApiCaller = async () => ({ ok: false, offline: true, status: 503, code: 'server_unreachable', message: 'down' });
    expect(await pullCatalogue(till, down)).toEqual({ ok: false, offline: true, message: 'down' });
  });
});
