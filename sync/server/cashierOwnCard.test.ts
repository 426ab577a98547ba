import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CashierInfo, CashierList } from '../protocol/cashiers';
import type { EnrolResponse } from '../protocol/schemas';
import { demoCardNumber, demoPhone } from './demoSeed';
import { testDatabases } from './testing/databases';
import { line, sale } from './testing/events';
import { admin, startTestServer, type TestServer } from './testing/fixtures';

describe.each(testDatabases())("a cashier's own loyalty card or phone on $name", ({ open }) => {
  let s: TestServer;
  let till: EnrolResponse;
  let anna: CashierInfo;
  let boris: CashierInfo;
  let vera: CashierInfo;
  // Customer 7 of the demo is Anna, the cashier, with her own loyalty card.
  const annasCard = demoCardNumber(7);

  beforeAll(async () => {
    s = await startTestServer(open, { customers: 20 });
    till = await s.enrol(1);
    const make = async (payload: Record<string, string>) => {
      const res = await s.inject({ method: 'POST', url: '/api/v1/admin/stores/1/cashiers', headers: admin, payload });
      expect(res.statusCode, res.body).toBe(200);
      return CashierInfo.parse(res.json());
    };
    anna = await make({ personnelNo: '101', name: 'Анна', pin: '1357', card: annasCard });
    boris = await make({ personnelNo: '102', name: 'Борис', pin: '2468' });
    // Customer 9 of the demo is Vera, the cashier: she gave her phone, not a card (issue 13).
    vera = await make({ personnelNo: '201', name: 'Вера', pin: '1357', phone: demoPhone(9) });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('is linked at creation and pulled by the tills, so a till can warn', async () => {
    const res = await s.inject({ method: 'GET', url: '/api/v1/pull/cashiers', headers: { authorization: `Bearer ${till.token}` } });
    const list = CashierList.parse(res.json());
    expect(list.cashiers.find((c) => c.personnelNo === '101')?.card).toBe(annasCard);
    expect(list.cashiers.find((c) => c.personnelNo === '102')?.card ?? null).toBeNull();
    const bad = await s.inject({
      method: 'POST',
      url: '/api/v1/admin/stores/1/cashiers',
      headers: admin,
      payload: { personnelNo: '103', name: 'В', pin: '1111', card: 'x' },
    });
    expect(bad.statusCode).toBe(400);
  });

  it('flags a sale the cashier rang up to their own card for head office, and only that one', async () => {
    const own = { ...sale({ customerId: '7', lines: [line(3)] }).event, cashierId: anna.cashierId };
    const someoneElse = { ...sale({ customerId: '8', lines: [line(3)] }).event, cashierId: anna.cashierId };
    const colleague = { ...sale({ customerId: '7', lines: [line(3)] }).event, cashierId: boris.cashierId };
    const results = await s.push(till.token, [own, someoneElse, colleague]);
    expect(results.map((r) => (r.status === 'applied' ? r.result.flags : r))).toEqual([['cashier_own_card'], [], []]);
    const report = await s.inject({ method: 'GET', url: '/api/v1/admin/exceptions?kind=cashier_own_card', headers: admin });
    expect(report.json().items.map((e: { eventId: string }) => e.eventId)).toEqual([own.eventId]);
  });

  it("tells the tills which loyalty account is the cashier's own, by phone or card, never the phone itself", async () => {
    const res = await s.inject({ method: 'GET', url: '/api/v1/pull/cashiers', headers: { authorization: `Bearer ${till.token}` } });
    const list = CashierList.parse(res.json());
    expect(list.cashiers.find((c) => c.personnelNo === '201')?.customerId).toBe('9');
    expect(list.cashiers.find((c) => c.personnelNo === '101')?.customerId).toBe('7');
    expect(list.cashiers.find((c) => c.personnelNo === '102')?.customerId ?? null).toBeNull();
    expect(res.body).not.toContain(demoPhone(9));
    const bad = await s.inject({
      method: 'POST',
      url: '/api/v1/admin/stores/1/cashiers',
      headers: admin,
      payload: { personnelNo: '203', name: 'Г', pin: '1111', phone: '+70000000000' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'phone_invalid' });
  });

  it('flags a sale the cashier rang up to the account with their phone, like their own card', async () => {
    const own = { ...sale({ customerId: '9', lines: [line(3)] }).event, cashierId: vera.cashierId };
    const someoneElse = { ...sale({ customerId: '8', lines: [line(3)] }).event, cashierId: vera.cashierId };
    const colleague = { ...sale({ customerId: '9', lines: [line(3)] }).event, cashierId: boris.cashierId };
    const results = await s.push(till.token, [own, someoneElse, colleague]);
    // (Customer 9's tier prices these lines differently from the helper: price differences aside.)
    expect(results.map((r) => (r.status === 'applied' ? r.result.flags.includes('cashier_own_card') : r))).toEqual([true, false, false]);
  });
});
