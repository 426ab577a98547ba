import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OfferInput } from '../../core/engine';
import { OfferPage } from '../protocol/pull';
import { ManagerSession, StoreOffers } from '../protocol/manager';
import type { EnrolResponse } from '../protocol/schemas';
import { testDatabases } from './testing/databases';
import { admin, startTestServer, type TestServer } from './testing/fixtures';

const moscowToday = () => new Date(Date.now() + 3 * 3_600_000).toISOString().slice(0, 10);
const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const name = (ru: string, en: string) => ({ ru, en });

describe.each(testDatabases())('offers for managers and head office on $name', ({ open }) => {
  let s: TestServer;
  let moscow: EnrolResponse;
  let kazan: EnrolResponse;
  const tokens = new Map<string, string>();
  const today = moscowToday();

  async function managerOffers(t: EnrolResponse, query = '') {
    const res = await s.inject({
      method: 'GET',
      url: `/api/v1/manager/offers${query}`,
      headers: { authorization: `Bearer ${t.token}`, 'x-manager-token': tokens.get(t.terminalId)! },
    });
    expect(res.statusCode, res.body).toBe(200);
    return { list: StoreOffers.parse(res.json()), body: res.body };
  }
  const ids = (list: StoreOffers) => list.offers.map((o) => o.id);
  async function pull(t: EnrolResponse, cursor: string) {
    const res = await s.inject({ method: 'GET', url: `/api/v1/pull/offers?cursor=${cursor}`, headers: { authorization: `Bearer ${t.token}` } });
    expect(res.statusCode).toBe(200);
    return OfferPage.parse(res.json());
  }
  const put = (id: string, offer: unknown, headers: Record<string, string> = {}) =>
    s.inject({ method: 'PUT', url: `/api/v1/admin/chains/1/offers/${encodeURIComponent(id)}`, headers: { ...admin, ...headers }, payload: offer as object });

  beforeAll(async () => {
    s = await startTestServer(open, { customers: 10 });
    moscow = await s.enrol(1);
    kazan = await s.enrol(2);
    for (const [storeId, t, pin] of [
      [1, moscow, '2468'],
      [2, kazan, '1357'],
    ] as const) {
      await s.inject({ method: 'POST', url: `/api/v1/admin/stores/${storeId}/managers`, headers: admin, payload: { name: 'M', pin } });
      const res = await s.inject({ method: 'POST', url: '/api/v1/manager/session', headers: { authorization: `Bearer ${t.token}` }, payload: { pin } });
      tokens.set(t.terminalId, ManagerSession.parse(res.json()).token);
    }
    const offers: OfferInput[] = [
      {
        id: 'spring',
        name: name('Весенние бонусы', 'Spring bonuses'),
        validity: { from: addDays(today, -5), to: addDays(today, 5) },
        effect: { type: 'extraAccrual', basisPoints: 200 },
      },
      { id: 'starts-today', name: name('С сегодняшнего дня', 'From today'), validity: { from: today }, effect: { type: 'extraAccrual', basisPoints: 100 } },
      {
        id: 'ends-today',
        name: name('Последний день', 'Last day'),
        scope: { kind: 'stores', storeIds: ['1'] },
        validity: { to: today },
        effect: { type: 'extraAccrual', basisPoints: 100 },
      },
      {
        id: 'moscow-soon',
        name: name('Скоро в Москве', 'Soon in Moscow'),
        scope: { kind: 'regions', regionIds: ['1'] },
        validity: { from: addDays(today, 1), to: addDays(today, 10) },
        effect: { type: 'percentDiscount', basisPoints: 500 },
      },
      {
        id: 'past',
        name: name('Прошедшая акция', 'Past offer'),
        scope: { kind: 'stores', storeIds: ['1', '2'] },
        validity: { from: addDays(today, -30), to: addDays(today, -1) },
        effect: { type: 'fixedBonus', amountKopecks: 5_000 },
      },
      {
        id: 'kazan-soon',
        name: name('Скоро в Казани', 'Soon in Kazan'),
        scope: { kind: 'stores', storeIds: ['2'] },
        validity: { from: addDays(today, 2) },
        effect: { type: 'extraAccrual', basisPoints: 100 },
      },
      {
        id: 'vip',
        name: name('Личное предложение', 'Personal offer'),
        audience: { customerIds: ['1', '2', '3', '7'], firstPurchase: false },
        target: { products: ['p00001', 'p00002'], categories: [] },
        effect: { type: 'percentDiscount', basisPoints: 1_500 },
        limit: { perCustomer: 1 },
      },
    ];
    const res = await s.inject({ method: 'PUT', url: '/api/v1/admin/chains/1/offers', headers: admin, payload: { offers } });
    expect(res.statusCode, res.body).toBe(200);
    expect((await s.inject({ method: 'DELETE', url: '/api/v1/admin/chains/1/offers/yoghurt-3for2', headers: admin })).statusCode).toBe(200);
  });
  afterAll(async () => {
    await s?.close();
  });

  it("lists this store's offers by status, judged in the store's time zone", async () => {
    const { list: active } = await managerOffers(moscow, '?status=active');
    expect(active).toMatchObject({ storeId: 1, today, timeZone: 'Europe/Moscow' });
    expect(ids(active)).toEqual(['ends-today', 'gold-evening', 'milk-x2', 'personal-plus-5', 'spring', 'starts-today', 'vip', 'welcome']);
    expect(ids((await managerOffers(moscow, '?status=upcoming')).list)).toEqual(['moscow-soon']);
    const { list: ended } = await managerOffers(moscow, '?status=ended');
    expect(ids(ended)).toEqual(['past', 'yoghurt-3for2']);
    expect(ended.offers.map((o) => o.withdrawn)).toEqual([false, true]);
    // Without a status: all of them, active first; other stores' and regions' offers never.
    const { list: all } = await managerOffers(moscow);
    expect(all.total).toBe(11);
    expect(all.offers.map((o) => o.status)).toEqual([...Array(8).fill('active'), 'upcoming', 'ended', 'ended']);
    expect(ids(all)).not.toContain('kazan-soon');
    expect(ids(all)).not.toContain('volga-fruit');
    expect(ids(all)).not.toContain('kazan-bakery-10');
    const { list: k } = await managerOffers(kazan, '?status=upcoming');
    expect(ids(k)).toEqual(['kazan-soon']);
    expect(ids((await managerOffers(kazan, '?status=active')).list)).toEqual([
      'gold-evening',
      'kazan-bakery-10',
      'milk-x2',
      'personal-plus-5',
      'spring',
      'starts-today',
      'vip',
      'volga-fruit',
      'welcome',
    ]);
    expect(ids((await managerOffers(kazan, '?status=ended')).list)).toEqual(['past', 'yoghurt-3for2']);
  });

  it('finds offers by title in either language, any case, and pages with a total', async () => {
    expect(ids((await managerOffers(moscow, `?q=${encodeURIComponent('ЙОГУРТ')}`)).list)).toEqual(['yoghurt-3for2']);
    expect(ids((await managerOffers(moscow, '?q=dairy')).list)).toEqual(['milk-x2']);
    expect(ids((await managerOffers(moscow, `?q=${encodeURIComponent('бонус')}&status=active`)).list)).toEqual([
      'milk-x2',
      'personal-plus-5',
      'spring',
      'welcome',
    ]);
    expect(ids((await managerOffers(kazan, `?q=${encodeURIComponent('москв')}`)).list)).toEqual([]);
    const { list: one } = await managerOffers(moscow, '?limit=1');
    expect(one.total).toBe(11);
    expect(one.offers).toHaveLength(1);
    for (const q of ['?status=running', `?q=${'x'.repeat(101)}`, '?limit=0', '?limit=5000', '?store=2']) {
      const res = await s.inject({
        method: 'GET',
        url: `/api/v1/manager/offers${q}`,
        headers: { authorization: `Bearer ${moscow.token}`, 'x-manager-token': tokens.get(moscow.terminalId)! },
      });
      expect(res.statusCode, q).toBe(400);
      expect(res.json().code).toBe('invalid_request');
    }
  });

  it("gives a personal offer's customer count, never its customers", async () => {
    const { list, body } = await managerOffers(moscow, '?q=personal');
    expect(list.offers.find((o) => o.id === 'vip')).toMatchObject({
      id: 'vip',
      status: 'active',
      audience: { personal: true, customerCount: 4, firstPurchase: false, birthday: false },
      target: { products: 2, categories: [] },
      limit: { perCustomer: 1 },
    });
    expect(body).not.toContain('customerIds');
    expect(body).not.toMatch(/"7"|"1","2"/);
    const { list: everyone } = await managerOffers(moscow, '?q=spring');
    expect(everyone.offers[0]!.audience).toEqual({ firstPurchase: false, birthday: false, personal: false, customerCount: null });
    // Head office's list counts too; opening the offer shows it in full.
    const chainList = await s.inject({ method: 'GET', url: '/api/v1/admin/chains/1/offers?q=vip', headers: admin });
    expect(chainList.json().offers[0]).toMatchObject({ id: 'vip', audience: { customerCount: 4 } });
    expect(chainList.body).not.toContain('customerIds');
    const full = await s.inject({ method: 'GET', url: '/api/v1/admin/chains/1/offers/vip', headers: admin });
    expect(full.json().offer.audience.customerIds).toEqual(['1', '2', '3', '7']);
  });

  it("brings head office's create, edit and end to the store's tills on their next pull", async () => {
    const start = await pull(moscow, '0');
    const startKazan = await pull(kazan, '0');
    const offer = {
      id: 'autumn-tea',
      name: name('Осенний чай', 'Autumn tea'),
      validity: { from: addDays(today, -1), to: addDays(today, 20) },
      target: { categories: ['drinks'] },
      effect: { type: 'accrualMultiplier', percent: 300 },
    };

    // Create (create-only: a second create is refused).
    const created = await put('autumn-tea', offer, { 'if-none-match': '*' });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.headers.etag).toBe(`"${created.json().revision}"`);
    expect((await put('autumn-tea', offer, { 'if-none-match': '*' })).json()).toMatchObject({ code: 'offer_exists', details: [{ path: 'id' }] });
    const p1 = await pull(moscow, start.cursor);
    expect(p1.items).toEqual([
      { id: 'autumn-tea', deleted: false, offer: expect.objectContaining({ id: 'autumn-tea', effect: { type: 'accrualMultiplier', percent: 300 } }) },
    ]);
    expect(ids((await managerOffers(moscow, '?q=tea')).list)).toEqual(['autumn-tea']);

    // Edit, against the revision opened; a stale revision is refused.
    const opened = await s.inject({ method: 'GET', url: '/api/v1/admin/chains/1/offers/autumn-tea', headers: admin });
    expect(opened.json()).toMatchObject({ deleted: false, revision: created.json().revision });
    const edited = await put(
      'autumn-tea',
      { ...opened.json().offer, name: name('Осенний чай ×3', 'Autumn tea x3') },
      { 'if-match': `"${opened.json().revision}"` },
    );
    expect(edited.statusCode, edited.body).toBe(200);
    const stale = await put('autumn-tea', offer, { 'if-match': `"${opened.json().revision}"` });
    expect(stale.statusCode).toBe(412);
    expect(stale.json().code).toBe('offer_changed');
    const p2 = await pull(moscow, p1.cursor);
    expect(p2.items.map((i) => [i.id, i.deleted, i.offer?.name.en])).toEqual([['autumn-tea', false, 'Autumn tea x3']]);

    // Narrowed to Kazan: Moscow's tills drop it, Kazan's get it.
    const narrowed = await put('autumn-tea', { ...opened.json().offer, scope: { kind: 'stores', storeIds: ['2'] } });
    expect(narrowed.statusCode).toBe(200);
    const p3 = await pull(moscow, p2.cursor);
    expect(p3.items).toEqual([{ id: 'autumn-tea', deleted: true, offer: null }]);
    const k3 = await pull(kazan, startKazan.cursor);
    expect(k3.items.map((i) => [i.id, i.deleted])).toEqual([['autumn-tea', false]]);

    // End: a tombstone for every till; the manager sees it ended (withdrawn).
    expect((await s.inject({ method: 'DELETE', url: '/api/v1/admin/chains/1/offers/autumn-tea', headers: admin })).statusCode).toBe(200);
    expect((await pull(kazan, k3.cursor)).items).toEqual([{ id: 'autumn-tea', deleted: true, offer: null }]);
    expect((await managerOffers(kazan, '?q=tea')).list.offers.map((o) => [o.status, o.withdrawn])).toEqual([['ended', true]]);
    const p4 = await pull(moscow, p3.cursor);
    expect(p4.items).toEqual([{ id: 'autumn-tea', deleted: true, offer: null }]);
    expect((await pull(moscow, p4.cursor)).items).toEqual([]);
  });

  it("validates an offer with the engine's schema and names the field it refuses", async () => {
    const base = { name: name('Тест', 'Test'), effect: { type: 'extraAccrual', basisPoints: 100 } };
    const cases: [string, unknown, number, string, string][] = [
      ['x1', { ...base, effect: { type: 'nForM', buy: 2, pay: 3 } }, 400, 'invalid_offer', 'effect.pay'],
      ['x2', { ...base, audience: { tiers: ['platinum'] } }, 400, 'invalid_offer', 'audience.tiers.0'],
      ['x3', { effect: base.effect }, 400, 'invalid_offer', 'name'],
      ['x4', { ...base, validity: { from: '2026-02-30' } }, 400, 'invalid_offer', 'validity.from'],
      ['x5', { ...base, validity: { from: '2026-03-10', to: '2026-03-01' } }, 400, 'invalid_offer', 'validity.to'],
      ['x6', { ...base, id: 'other' }, 400, 'invalid_offer', 'id'],
      ['x7', { ...base, effect: { type: 'teleport' } }, 400, 'invalid_offer', 'effect.type'],
      ['x8', [base], 400, 'invalid_offer', '(root)'],
    ];
    for (const [id, body, status, code, path] of cases) {
      const res = await put(id, body);
      expect(res.statusCode, `${id} ${res.body}`).toBe(status);
      expect(res.json().code).toBe(code);
      expect(
        res.json().details.map((d: { path: string }) => d.path),
        `${id} ${res.body}`,
      ).toContain(path);
      expect(res.json().message).toContain(path);
    }
    for (const [url, headers] of [
      ['/api/v1/admin/chains/1/offers/x9', { 'if-match': 'yesterday' }],
      ['/api/v1/admin/chains/1/offers/x9', { 'if-none-match': '"5"' }],
      ['/api/v1/admin/chains/0/offers/x9', {}],
      [`/api/v1/admin/chains/1/offers/${'x'.repeat(201)}`, {}],
    ] as const) {
      const res = await s.inject({ method: 'PUT', url, headers: { ...admin, ...headers }, payload: base });
      expect(res.statusCode, url).toBe(400);
    }
    // The longest id the engine allows can be addressed, created and ended.
    const long = 'y'.repeat(200);
    expect((await put(long, { ...base, scope: { kind: 'stores', storeIds: ['99'] } })).statusCode).toBe(201);
    expect((await s.inject({ method: 'DELETE', url: `/api/v1/admin/chains/1/offers/${long}`, headers: admin })).statusCode).toBe(200);
    const missing = await s.inject({ method: 'GET', url: '/api/v1/admin/chains/1/offers/none-such', headers: admin });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('offer_not_found');
    expect((await s.inject({ method: 'GET', url: '/api/v1/admin/chains/42/offers', headers: admin })).json().code).toBe('chain_not_found');
    // Nothing refused was stored; an edit of a missing offer with If-Match is refused too.
    expect((await put('x10', base, { 'if-match': '"1"' })).statusCode).toBe(412);
    const [{ n } = { n: -1 }] = await s.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM offers WHERE id LIKE 'x%'`);
    expect(n).toBe(0);
  });
});
