import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPin } from '../../core/pinHash';
import { CashierInfo, CashierList } from '../protocol/cashiers';
import type { PushResultItem, RegistrationOfferedEvent, TillEvent } from '../protocol/events';
import { ManagerSession, StoreFigures, type FiguresRow } from '../protocol/manager';
import type { EnrolResponse } from '../protocol/schemas';
import { testDatabases } from './testing/databases';
import { line, registration, sale, saleReturn } from './testing/events';
import { admin, startTestServer, type TestServer } from './testing/fixtures';

const SUMMED = [
  'receipts',
  'identifiedReceipts',
  'salesKopecks',
  'discountKopecks',
  'accruedKopecks',
  'redeemedKopecks',
  'registrations',
  'welcomeKopecks',
  'registrationsOffered',
  'returns',
  'refundKopecks',
  'restoredBonusKopecks',
  'reversedAccrualKopecks',
] as const satisfies readonly (keyof FiguresRow)[];

const moscow = (date: string, time: string) => new Date(`${date}T${time}:00+03:00`);
const isoDay = (daysAgo: number) => new Date(Date.now() + 3 * 3_600_000 - daysAgo * 86_400_000).toISOString().slice(0, 10);

/** One thing a till does, by one of two tills, signed in as cashier 0, 1, nobody (2) or a stranger (3). */
const Action = fc.record({
  till: fc.integer({ min: 0, max: 1 }),
  who: fc.integer({ min: 0, max: 3 }),
  kind: fc.constantFrom('anonSale', 'cardSale', 'registration', 'offer', 'return'),
  minute: fc.integer({ min: 0, max: 59 }),
});

describe.each(testDatabases())('cashiers and per-cashier figures on $name', ({ name, open }) => {
  let s: TestServer;
  let tills: EnrolResponse[];
  let cashiers: CashierInfo[];
  const sessions = new Map<string, string>();
  let phones = 0;

  const applied = (r: PushResultItem | undefined) => {
    expect(r?.status, JSON.stringify(r)).toBe('applied');
    return (r as Extract<PushResultItem, { status: 'applied' }>).result;
  };
  async function figures(t: EnrolResponse, date: string) {
    const res = await s.inject({
      method: 'GET',
      url: `/api/v1/manager/figures?date=${date}`,
      headers: { authorization: `Bearer ${t.token}`, 'x-manager-token': sessions.get(t.terminalId)! },
    });
    expect(res.statusCode, res.body).toBe(200);
    return StoreFigures.parse(res.json());
  }

  beforeAll(async () => {
    s = await startTestServer(open, { customers: 40 });
    tills = [await s.enrol(1), await s.enrol(1)];
    cashiers = [];
    for (const [personnelNo, cashierName] of [
      ['102', 'Борис'],
      ['101', 'Анна'],
    ] as const) {
      const res = await s.inject({
        method: 'POST',
        url: '/api/v1/admin/stores/1/cashiers',
        headers: admin,
        payload: { personnelNo, name: cashierName, pin: '1357' },
      });
      expect(res.statusCode, res.body).toBe(200);
      cashiers.push(CashierInfo.parse(res.json()));
    }
    await s.inject({ method: 'POST', url: '/api/v1/admin/stores/1/managers', headers: admin, payload: { name: 'Ирина', pin: '2468' } });
    for (const t of tills) {
      const res = await s.inject({ method: 'POST', url: '/api/v1/manager/session', headers: { authorization: `Bearer ${t.token}` }, payload: { pin: '2468' } });
      sessions.set(t.terminalId, ManagerSession.parse(res.json()).token);
    }
  });
  afterAll(async () => {
    await s?.close();
  });

  it('gives a store its cashiers to pull, PINs only as hashes, and refuses a personnel number twice', async () => {
    const res = await s.inject({ method: 'GET', url: '/api/v1/pull/cashiers', headers: { authorization: `Bearer ${tills[0]!.token}` } });
    expect(res.statusCode).toBe(200);
    const list = CashierList.parse(res.json());
    expect(list.cashiers.map((c) => c.personnelNo)).toEqual(['101', '102']);
    expect(res.body).not.toContain('1357');
    expect(list.cashiers[0]!.pinHash).toMatch(/^argon2id\$/);
    expect(await verifyPin('1357', list.cashiers[0]!.pinHash)).toBe(true);
    const again = await s.inject({
      method: 'POST',
      url: '/api/v1/admin/stores/1/cashiers',
      headers: admin,
      payload: { personnelNo: '101', name: 'X', pin: '1111' },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('personnel_no_taken');
    // Another store's till sees none of them; a till cannot create cashiers.
    const kazan = await s.enrol(2);
    const other = CashierList.parse(
      (await s.inject({ method: 'GET', url: '/api/v1/pull/cashiers', headers: { authorization: `Bearer ${kazan.token}` } })).json(),
    );
    expect(other.cashiers).toEqual([]);
    const forged = await s.inject({
      method: 'POST',
      url: '/api/v1/admin/stores/1/cashiers',
      headers: { authorization: `Bearer ${kazan.token}` },
      payload: { personnelNo: '7', name: 'X', pin: '1111' },
    });
    expect(forged.statusCode).toBe(401);
    // Revoked: gone from the list at the next pull.
    const temp = CashierInfo.parse(
      (
        await s.inject({ method: 'POST', url: '/api/v1/admin/stores/1/cashiers', headers: admin, payload: { personnelNo: '900', name: 'Temp', pin: '1111' } })
      ).json(),
    );
    expect((await s.inject({ method: 'POST', url: `/api/v1/admin/cashiers/${temp.cashierId}/revoke`, headers: admin })).statusCode).toBe(200);
    const after = CashierList.parse(
      (await s.inject({ method: 'GET', url: '/api/v1/pull/cashiers', headers: { authorization: `Bearer ${tills[0]!.token}` } })).json(),
    );
    expect(after.cashiers.map((c) => c.personnelNo)).toEqual(['101', '102']);
  });

  it('splits a day per cashier; the cashier rows and the terminal rows each add up to the store totals', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(Action, { minLength: 1, maxLength: 14 }), async (actions) => {
        // Each run on a day of its own, so runs do not see each other.
        const day = isoDay(30 + run++);
        const want = new Map<string, { receipts: number; identified: number; offered: number; registrations: number; returns: number }>();
        const sold: { till: number; made: ReturnType<typeof sale> }[] = [];
        for (const [i, a] of actions.entries()) {
          const at = moscow(day, `1${i % 10}:${String(a.minute).padStart(2, '0')}`);
          const cashierId = a.who < 2 ? cashiers[a.who]!.cashierId : a.who === 3 ? '999999' : undefined;
          const key = a.who < 2 ? cashiers[a.who]!.cashierId : 'none';
          const w = want.get(key) ?? { receipts: 0, identified: 0, offered: 0, registrations: 0, returns: 0 };
          want.set(key, w);
          const stamp = <E extends TillEvent>(e: E): E => (cashierId ? { ...e, cashierId } : e);
          const till = tills[a.till]!;
          if (a.kind === 'anonSale' || a.kind === 'cardSale' || (a.kind === 'return' && sold.length === 0)) {
            const made = sale({ customerId: a.kind === 'cardSale' ? String(1 + (i % 30)) : null, lines: [line(1 + (i % 8))], at });
            applied((await s.push(till.token, [stamp(made.event)]))[0]);
            sold.push({ till: a.till, made });
            w.receipts += 1;
            w.identified += a.kind === 'cardSale' ? 1 : 0;
          } else if (a.kind === 'return') {
            const original = sold.shift()!;
            const back = saleReturn(original.made, [{ lineId: original.made.event.sale.lines[0]!.lineId, quantityMilli: 1000 }]);
            back.event.occurredAt = at.toISOString();
            applied((await s.push(till.token, [stamp(back.event)]))[0]);
            w.returns += 1;
          } else if (a.kind === 'registration') {
            const ev = registration({ phone: `+7977${String(++phones).padStart(7, '0')}`, at });
            expect(applied((await s.push(till.token, [stamp(ev)]))[0]).mergedInto).toBeUndefined();
            w.registrations += 1;
          } else {
            const ev: RegistrationOfferedEvent = { eventId: randomUUID(), occurredAt: at.toISOString(), type: 'registrationOffered', via: 'phone' };
            applied((await s.push(till.token, [stamp(ev)]))[0]);
            w.offered += 1;
          }
        }
        const f = await figures(tills[0]!, day);
        for (const k of SUMMED) {
          expect(
            f.cashiers.reduce((sum, c) => sum + c[k], 0),
            k,
          ).toBe(f.totals[k]);
          expect(
            f.terminals.reduce((sum, t) => sum + t[k], 0),
            k,
          ).toBe(f.totals[k]);
        }
        expect(f.cashiers.reduce((sum, c) => sum + c.identifiedShare.denominator, 0)).toBe(f.totals.identifiedShare.denominator);
        for (const [key, w] of want) {
          const row = f.cashiers.find((c) => (c.cashierId ?? 'none') === key);
          if (Object.values(w).every((v) => v === 0)) continue;
          expect(row, key).toMatchObject({
            receipts: w.receipts,
            identifiedReceipts: w.identified,
            registrationsOffered: w.offered,
            registrations: w.registrations,
            returns: w.returns,
          });
        }
        // Named rows first by personnel number, then "no cashier"; names and numbers, nothing about customers.
        const named = f.cashiers.filter((c) => c.cashierId !== null);
        expect(named.map((c) => c.personnelNo)).toEqual([...named.map((c) => c.personnelNo)].sort());
        for (const c of named) expect(c.cashierName).toBe(cashiers.find((x) => x.cashierId === c.cashierId)!.name);
        const none = f.cashiers.findIndex((c) => c.cashierId === null);
        if (none >= 0) expect(none).toBe(f.cashiers.length - 1);
      }),
      { numRuns: name === 'pglite' ? 12 : 6 },
    );
  });

  it('counts an event naming a stranger under "no cashier" and flags it for head office', async () => {
    const day = isoDay(5);
    const made = sale({ customerId: null, lines: [line(2)], at: moscow(day, '10:00') });
    const result = applied((await s.push(tills[1]!.token, [{ ...made.event, cashierId: '424242' }]))[0]);
    expect(result.flags).toContain('cashier_unknown');
    const f = await figures(tills[1]!, day);
    expect(f.cashiers).toEqual([expect.objectContaining({ cashierId: null, cashierName: null, receipts: 1 })]);
  });
});
