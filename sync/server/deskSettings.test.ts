import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeskPage } from '../protocol/deskSettings';
import type { ApprovalEvent } from '../protocol/events';
import { ManagerSession } from '../protocol/manager';
import type { EnrolResponse } from '../protocol/schemas';
import { demoProduct } from './demoSeed';
import { testDatabases } from './testing/databases';
import { admin, startTestServer, type TestServer } from './testing/fixtures';

const bearer = (t: EnrolResponse) => ({ authorization: `Bearer ${t.token}` });
const scale = { prefixes: { '22': { kind: 'weight', itemDigits: 5, valueDigits: 5, unit: 1 } } };

describe.each(testDatabases())('desk settings and supervisor approvals on $name', ({ open }) => {
  let s: TestServer;
  let moscow: EnrolResponse;
  let moscow2: EnrolResponse;
  let kazan: EnrolResponse;

  const pull = async (t: EnrolResponse, cursor = '0') => {
    const res = await s.inject({ method: 'GET', url: `/api/v1/pull/desk?cursor=${cursor}`, headers: bearer(t) });
    expect(res.statusCode, res.body).toBe(200);
    return DeskPage.parse(res.json());
  };
  const put = (url: string, payload: unknown) => s.inject({ method: 'PUT', url, headers: admin, payload: payload as object });

  beforeAll(async () => {
    s = await startTestServer(open, { customers: 5 });
    moscow = await s.enrol(1);
    moscow2 = await s.enrol(1);
    kazan = await s.enrol(2);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('sends nothing until head office sets them, then the store over the chain, once per change', async () => {
    expect((await pull(moscow)).items).toEqual([]);
    const bread = demoProduct(1).id;
    const milk = demoProduct(2).id;
    const chain = await put('/api/v1/admin/chains/1/desk-settings', { quickKeys: [{ key: 1, productId: bread }], scaleBarcodes: scale });
    expect(chain.statusCode, chain.body).toBe(200);
    const first = await pull(moscow);
    expect(first.items).toEqual([{ settings: { quickKeys: [{ key: 1, productId: bread }], scaleBarcodes: scale } }]);
    // Nothing new since: nothing sent.
    expect((await pull(moscow, first.cursor)).items).toEqual([]);

    // Store 1's own quick keys replace the chain's there; its scale labels stay the chain's; Kazan keeps the chain's.
    expect((await put('/api/v1/admin/stores/1/desk-settings', { quickKeys: [{ key: 2, productId: milk }] })).statusCode).toBe(200);
    const changed = await pull(moscow2, first.cursor);
    expect(changed.items).toEqual([{ settings: { quickKeys: [{ key: 2, productId: milk }], scaleBarcodes: scale } }]);
    expect((await pull(kazan)).items[0]?.settings.quickKeys).toEqual([{ key: 1, productId: bread }]);
    const own = await s.inject({ method: 'GET', url: '/api/v1/admin/stores/1/desk-settings', headers: admin });
    expect(own.json()).toEqual({ settings: { quickKeys: [{ key: 2, productId: milk }] } });
  });

  it('refuses bad settings with a 400 that says what is wrong, and keeps the old ones', async () => {
    const before = (await s.inject({ method: 'GET', url: '/api/v1/admin/chains/1/desk-settings', headers: admin })).json();
    const bad = [
      { quickKeys: [{ key: 10, productId: 'x' }] },
      {
        quickKeys: [
          { key: 1, productId: demoProduct(1).id },
          { key: 1, productId: demoProduct(2).id },
        ],
      },
      { quickKeys: [{ key: 3, productId: 'no-such-product' }] },
      { scaleBarcodes: { prefixes: { '27': { kind: 'weight', itemDigits: 5, valueDigits: 5 } } } },
      { scaleBarcodes: { prefixes: { '22': { kind: 'weight', itemDigits: 6, valueDigits: 5 } } } },
      { scaleBarcodes: { prefixes: { '12': { kind: 'weight', itemDigits: 5, valueDigits: 5 } } } },
      { colour: 'red' },
    ];
    for (const payload of bad) {
      const res = await put('/api/v1/admin/chains/1/desk-settings', payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().code).toBe('invalid_desk_settings');
    }
    expect((await put('/api/v1/admin/stores/999/desk-settings', {})).statusCode).toBe(404);
    expect((await s.inject({ method: 'GET', url: '/api/v1/admin/chains/1/desk-settings', headers: admin })).json()).toEqual(before);
    expect((await s.inject({ method: 'PUT', url: '/api/v1/admin/chains/1/desk-settings', payload: {} })).statusCode).toBe(401);
  });

  it('records each approval once, with who approved, for head office', async () => {
    const made = await s.inject({ method: 'POST', url: '/api/v1/admin/stores/1/managers', headers: admin, payload: { name: 'Ирина Петрова', pin: '2468' } });
    expect(made.statusCode, made.body).toBe(200);
    const session = ManagerSession.parse(
      (await s.inject({ method: 'POST', url: '/api/v1/manager/session', headers: bearer(moscow), payload: { pin: '2468' } })).json(),
    );
    const approval: ApprovalEvent = {
      eventId: randomUUID(),
      occurredAt: new Date().toISOString(),
      type: 'approval',
      action: 'voidLine',
      managerId: session.managerId,
      managerName: session.managerName,
      productId: demoProduct(1).id,
      before: 12_990,
      after: 0,
    };
    const noReceipt: ApprovalEvent = {
      ...approval,
      eventId: randomUUID(),
      action: 'returnNoReceipt',
      before: 0,
      after: 5_000,
      returnId: 'r-1',
      lines: [{ productId: demoProduct(2).id, quantityMilli: 2_000, priceKopecks: 2_500 }],
    };
    delete noReceipt.productId;
    const [a, b] = await s.push(moscow.token, [approval, noReceipt]);
    expect(a).toMatchObject({ status: 'applied', result: { type: 'approval', customerId: null, flags: [] } });
    expect(b?.status).toBe('applied');
    // A resend is answered as the first time and recorded nowhere twice.
    expect((await s.push(moscow.token, [approval]))[0]?.status).toBe('duplicate');
    // A manager id that is not the store's keeps its name but no id.
    const forged = { ...approval, eventId: randomUUID(), managerId: '999999' };
    expect((await s.push(kazan.token, [forged]))[0]?.status).toBe('applied');
    expect((await s.push(moscow.token, [{ ...approval, eventId: randomUUID(), action: 'anything' }]))[0]?.status).toBe('rejected');

    const list = await s.inject({ method: 'GET', url: '/api/v1/admin/chains/1/approvals?storeId=1', headers: admin });
    expect(list.statusCode, list.body).toBe(200);
    const rows = list.json().approvals as { eventId: string; action: string; managerId: string | null; managerName: string; before: number; after: number }[];
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.eventId === approval.eventId)).toMatchObject({
      action: 'voidLine',
      managerId: session.managerId,
      managerName: 'Ирина Петрова',
      before: 12_990,
      after: 0,
    });
    expect(rows.find((r) => r.eventId === noReceipt.eventId)).toMatchObject({
      action: 'returnNoReceipt',
      after: 5_000,
      returnId: 'r-1',
      lines: [{ productId: demoProduct(2).id, quantityMilli: 2_000, priceKopecks: 2_500 }],
    });
    const kazanRows = (await s.inject({ method: 'GET', url: '/api/v1/admin/chains/1/approvals?storeId=2', headers: admin })).json().approvals;
    expect(kazanRows).toMatchObject([{ eventId: forged.eventId, managerId: null, managerName: 'Ирина Петрова' }]);
  });
});
