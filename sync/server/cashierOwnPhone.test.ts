import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CashierInfo, CashierList } from '../protocol/cashiers';
import type { EnrolResponse } from '../protocol/schemas';
import { demoCardNumber, demoPhone } from './demoSeed';
import { testDatabases } from './testing/databases';
import { line, sale } from './testing/events';
import { admin, startTestServer, type TestServer } from './testing/fixtures';

describe.each(testDatabases())("a cashier's own phone on $name (issue 13)", ({ open }) => {
  let s: TestServer;
  let till: EnrolResponse;
  let vera: CashierInfo;
  let anna: CashierInfo;

  beforeAll(async () => {
    s = await startTestServer(open, { customers: 20 });
    till = await s.enrol(1);
    const make = async (payload: Record<string, string>) => {
      const res = await s.inject({ method: 'POST', url: '/api/v1/admin/stores/1/cashiers', headers: admin, payload });
      expect(res.statusCode, res.body).toBe(200);
      return CashierInfo.parse(res.json());
    };
    // Customer 9 of the demo is Vera, the cashier: she gave her phone, not a card.
    vera = await make({ personnelNo: '201', name: 'Вера', pin: '1357', phone: demoPhone(9) });
    anna = await make({ personnelNo: '202', name: 'Анна', pin: '2468', card: demoCardNumber(7) });
  });
  afterAll(async () => {
    await s?.close();
  });

  it("tells the tills which loyalty account is the cashier's own, by phone or card, never the phone itself", async () => {
    const res = await s.inject({ method: 'GET', url: '/api/v1/pull/cashiers', headers: { authorization: `Bearer ${till.token}` } });
    const list = CashierList.parse(res.json());
    expect(list.cashiers.find((c) => c.personnelNo === '201')?.customerId).toBe('9');
    expect(list.cashiers.find((c) => c.personnelNo === '202')?.customerId).toBe('7');
    expect(res.body).not.toContain(demoPhone(9));
  });

  it('refuses a phone that is not a real number', async () => {
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
    const colleague = { ...sale({ customerId: '9', lines: [line(3)] }).event, cashierId: anna.cashierId };
    const results = await s.push(till.token, [own, someoneElse, colleague]);
    // (Customer 9's tier prices these lines differently from the helper: price differences aside.)
    const ownFlagged = results.map((r) => (r.status === 'applied' ? r.result.flags.includes('cashier_own_card') : r));
    expect(ownFlagged).toEqual([true, false, false]);
  });
});
