import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from './testing/databases';
import { line, sale } from './testing/events';
import { admin, startTestServer, type TestServer } from './testing/fixtures';

/** Head office's lists (stores, tills, cashiers, managers, refused events): each narrows to what the search names. */
describe.each(testDatabases())('head office lists with search on $name', ({ open }) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(open, { customers: 10 });
    for (const [storeId, personnelNo, name] of [
      [1, '201', 'Анна Петрова'],
      [1, '202', 'Борис Сидоров'],
      [2, '301', 'Анна Ильина'],
    ] as const) {
      const r = await s.inject({
        method: 'POST',
        url: `/api/v1/admin/stores/${storeId}/cashiers`,
        headers: admin,
        payload: { personnelNo, name, pin: '1357' },
      });
      expect(r.statusCode, r.body).toBe(200);
    }
    for (const [storeId, name] of [
      [1, 'Галина Менеджерова'],
      [2, 'Дмитрий Казанский'],
    ] as const) {
      const r = await s.inject({ method: 'POST', url: `/api/v1/admin/stores/${storeId}/managers`, headers: admin, payload: { name, pin: '482913' } });
      expect(r.statusCode, r.body).toBe(200);
    }
  });
  afterAll(async () => {
    await s?.close();
  });

  const list = async <T>(what: string, q?: string): Promise<T[]> => {
    const res = await s.inject({ method: 'GET', url: `/api/v1/admin/chains/1/${what}`, query: q === undefined ? {} : { q }, headers: admin });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as Record<string, T[]>;
    return body[what === 'rejected' ? 'events' : what]!;
  };

  it('stores by name or region, and by number', async () => {
    expect((await list<{ id: number }>('stores')).length).toBe(2);
    const kazan = await list<{ id: number; name: string; region: string }>('stores', 'казань');
    expect(kazan.map((x) => x.id)).toEqual([2]);
    expect((await list<{ id: number }>('stores', 'Поволжье')).map((x) => x.id)).toEqual([2]);
    expect((await list<{ id: number }>('stores', '1')).map((x) => x.id)).toEqual([1]);
    // Pattern characters are taken literally.
    expect(await list('stores', '%')).toEqual([]);
  });

  it('cashiers by name, personnel number or store; managers by name or store', async () => {
    expect((await list<{ name: string }>('cashiers', 'анна')).map((c) => c.name).sort()).toEqual(['Анна Ильина', 'Анна Петрова']);
    expect((await list<{ personnelNo: string }>('cashiers', '202')).map((c) => c.personnelNo)).toEqual(['202']);
    expect((await list<{ storeId: number }>('cashiers', 'Баумана')).map((c) => c.storeId)).toEqual([2]);
    expect((await list<{ name: string }>('managers', 'галина')).map((m) => m.name)).toEqual(['Галина Менеджерова']);
    expect((await list<{ name: string }>('managers', 'Казань')).map((m) => m.name)).toEqual(['Дмитрий Казанский']);
  });

  it('tills by name or store; refused events by till, type or reason code', async () => {
    const a = await s.enrol(1);
    await s.enrol(2);
    const tills = await list<{ id: string; name: string; storeId: number }>('terminals', 'Баумана');
    expect(tills.map((t) => t.storeId)).toEqual([2]);
    const mine = (await list<{ id: string; name: string }>('terminals')).find((t) => t.id === a.terminalId)!;
    expect((await list<{ id: string }>('terminals', mine.name)).map((t) => t.id)).toEqual([a.terminalId]);

    // A sale whose totals do not add up is refused; the list finds it by its reason, its till or its type.
    const bad = sale({ customerId: null, lines: [line(2)], totals: { payable: 1 } });
    expect((await s.push(a.token, [bad.event]))[0]?.status).toBe('rejected');
    for (const q of ['totals_inconsistent', mine.name, 'sale', bad.event.eventId.slice(0, 8)]) {
      const found = await list<{ eventId: string; code: string | null; terminal: string | null }>('rejected', q);
      expect(
        found.map((e) => e.eventId),
        q,
      ).toContain(bad.event.eventId);
    }
    expect(await list('rejected', 'no such till')).toEqual([]);
  });
});
