import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PushResultItem } from '../protocol/events';
import { ManagerSession, StoreFigures, type FiguresRow } from '../protocol/manager';
import type { EnrolResponse } from '../protocol/schemas';
import { demoPhone } from './demoSeed';
import { share } from './figures';
import { testDatabases } from './testing/databases';
import { line, registration, sale, saleReturn } from './testing/events';
import { admin, startTestServer, type TestServer } from './testing/fixtures';
import { confirmationFor } from './testing/phoneConfirmations';

/** Moscow is UTC+3 all year: local wall-clock times as instants. */
const moscow = (date: string, time: string) => new Date(`${date}T${time}:00+03:00`);
const moscowDate = (at: Date) => new Date(at.getTime() + 3 * 3_600_000).toISOString().slice(0, 10);
const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

const SUMMED = [
  'receipts',
  'identifiedReceipts',
  'salesKopecks',
  'discountKopecks',
  'accruedKopecks',
  'redeemedKopecks',
  'registrations',
  'welcomeKopecks',
  'returns',
  'refundKopecks',
  'restoredBonusKopecks',
  'reversedAccrualKopecks',
] as const;
type Summed = Pick<FiguresRow, (typeof SUMMED)[number]>;
const zero = (): Summed => Object.fromEntries(SUMMED.map((k) => [k, 0])) as Summed;

describe.each(testDatabases())('store figures on $name', ({ open }) => {
  let s: TestServer;
  let tillA: EnrolResponse;
  let tillB: EnrolResponse;
  let idle: EnrolResponse;
  let kazan: EnrolResponse;
  const sessions = new Map<string, string>();
  /** The figures each terminal should show, from what the push answered. */
  const expected = new Map<string, Summed>();
  const day = moscowDate(new Date(Date.now() - 3 * 86_400_000));
  const nextDay = addDays(day, 1);

  const applied = (r: PushResultItem | undefined) => {
    expect(r?.status, JSON.stringify(r)).toBe('applied');
    return (r as Extract<PushResultItem, { status: 'applied' }>).result;
  };
  const exp = (t: EnrolResponse) => {
    let e = expected.get(t.terminalId);
    if (!e) expected.set(t.terminalId, (e = zero()));
    return e;
  };
  async function sell(t: EnrolResponse, storeId: number, o: Omit<Parameters<typeof sale>[0], 'storeId'>) {
    const made = sale({ ...o, storeId });
    const result = applied((await s.push(t.token, [made.event]))[0]);
    if (moscowDate(new Date(made.event.sale.at.kind === 'instant' ? made.event.sale.at.instant : '')) === day) {
      const e = exp(t);
      e.receipts += 1;
      e.identifiedReceipts += o.customerId === null ? 0 : 1;
      e.salesKopecks += made.event.totals.payable;
      e.discountKopecks += made.event.totals.discount;
      e.accruedKopecks += result.posted.accrued ?? 0;
      e.redeemedKopecks += result.posted.redeemed ?? 0;
    }
    return made;
  }
  /** `owner`: the phone is this customer's, who confirms it with the SMS code (the registration joins them). */
  async function register(t: EnrolResponse, phone: string, at: Date, owner?: number) {
    const phoneConfirmation =
      owner === undefined ? undefined : await confirmationFor(s.db, { terminalId: t.terminalId, customerId: owner, purpose: 'register' });
    const ev = { ...registration({ phone, at }), ...(phoneConfirmation ? { phoneConfirmation } : {}) };
    const result = applied((await s.push(t.token, [ev]))[0]);
    if (!result.mergedInto) {
      exp(t).registrations += 1;
      exp(t).welcomeKopecks += result.posted.welcome ?? 0;
    }
    return ev;
  }
  async function figures(t: EnrolResponse, date?: string) {
    const res = await s.inject({
      method: 'GET',
      url: `/api/v1/manager/figures${date ? `?date=${date}` : ''}`,
      headers: { authorization: `Bearer ${t.token}`, 'x-manager-token': sessions.get(t.terminalId)! },
    });
    expect(res.statusCode, res.body).toBe(200);
    return { figures: StoreFigures.parse(res.json()), body: res.body };
  }

  beforeAll(async () => {
    s = await startTestServer(open, { customers: 40 });
    tillA = await s.enrol(1);
    tillB = await s.enrol(1);
    idle = await s.enrol(1);
    kazan = await s.enrol(2);
    const gone = await s.enrol(1);
    await s.inject({ method: 'POST', url: `/api/v1/admin/terminals/${gone.terminalId}/revoke`, headers: admin });
    await s.inject({ method: 'POST', url: '/api/v1/admin/stores/1/managers', headers: admin, payload: { name: 'Ирина', pin: '2468' } });
    await s.inject({ method: 'POST', url: '/api/v1/admin/stores/2/managers', headers: admin, payload: { name: 'Олег', pin: '1357' } });
    for (const [t, pin] of [
      [tillA, '2468'],
      [tillB, '2468'],
      [idle, '2468'],
      [kazan, '1357'],
    ] as const) {
      const res = await s.inject({ method: 'POST', url: '/api/v1/manager/session', headers: { authorization: `Bearer ${t.token}` }, payload: { pin } });
      sessions.set(t.terminalId, ManagerSession.parse(res.json()).token);
    }

    // The scripted day, in Moscow time. Till A:
    await sell(tillA, 1, { customerId: null, lines: [line(1), line(2)], at: moscow(day, '09:15') });
    const spent = await sell(tillA, 1, { customerId: '7', available: 43_307, lines: [line(3, 2), line(9)], redeem: 10_000, at: moscow(day, '10:00') });
    const vera = await register(tillA, '+79990000001', moscow(day, '12:30'));
    await sell(tillA, 1, { customerId: vera.customerId, lines: [line(4)], at: moscow(day, '12:31') });
    await sell(tillA, 1, { customerId: '8', lines: [line(5)], at: moscow(day, '23:30') });
    // A till whose totals do not add up is refused: not a receipt.
    const bad = sale({ customerId: '8', lines: [line(5)], at: moscow(day, '23:40'), totals: { payable: 1 } });
    expect((await s.push(tillA.token, [bad.event]))[0]).toMatchObject({ status: 'rejected', code: 'totals_inconsistent' });
    // Till B: a sale, a registration, one that joins a known customer (not new), a return of A's sale.
    await sell(tillB, 1, { customerId: null, lines: [line(6)], at: moscow(day, '11:00') });
    await sell(tillB, 1, { customerId: '9', lines: [line(7), line(8)], at: moscow(day, '15:00') });
    await register(tillB, '+79990000002', moscow(day, '16:00'));
    await register(tillB, demoPhone(10), moscow(day, '16:05'), 10);
    const back = saleReturn(spent, [{ lineId: 'l9', quantityMilli: 1000 }]);
    back.event.occurredAt = moscow(day, '17:00').toISOString();
    const returned = applied((await s.push(tillB.token, [back.event]))[0]);
    Object.assign(exp(tillB), {
      returns: 1,
      refundKopecks: back.priced.totals.refund,
      restoredBonusKopecks: returned.posted.restoredBonus ?? 0,
      reversedAccrualKopecks: returned.posted.reversedAccrual ?? 0,
    });
    // Kazan, the same day: never in Moscow's figures.
    await sell(kazan, 2, { customerId: '11', lines: [line(1, 1, 2)], at: moscow(day, '13:00') });
    await register(kazan, '+79990000003', moscow(day, '13:05'));
    // Half an hour after midnight: the next day.
    await sell(tillA, 1, { customerId: '12', lines: [line(10)], at: moscow(nextDay, '00:30') });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('adds up a scripted day exactly, per terminal and for the store', async () => {
    const { figures: f, body } = await figures(tillB, day);
    expect(f).toMatchObject({ storeId: 1, date: day, timeZone: 'Europe/Moscow', from: `${addDays(day, -1)}T21:00:00.000Z`, to: `${day}T21:00:00.000Z` });
    // Every enrolled till of the store, the idle one with zeros; not the revoked one, not Kazan's.
    expect(f.terminals.map((t) => t.terminalId)).toEqual([tillA.terminalId, tillB.terminalId, idle.terminalId]);
    expect(f.terminals.map((t) => t.terminalName)).toEqual([tillA.terminalName, tillB.terminalName, idle.terminalName]);
    for (const t of [tillA, tillB, idle]) {
      const row = f.terminals.find((r) => r.terminalId === t.terminalId)!;
      const want = expected.get(t.terminalId) ?? zero();
      expect(row).toMatchObject(want);
      expect(row.identifiedShare).toEqual(share(want.identifiedReceipts, want.receipts));
    }
    // Plain counts, checked by hand as well as from the push answers.
    expect(f.totals).toMatchObject({ receipts: 6, identifiedReceipts: 4, registrations: 2, returns: 1 });
    expect(f.totals.identifiedShare).toEqual({ numerator: 4, denominator: 6, basisPoints: 6667 });
    expect(f.terminals.map((t) => t.receipts)).toEqual([4, 2, 0]);
    expect(f.terminals[2]!.identifiedShare).toEqual({ numerator: 0, denominator: 0, basisPoints: null });
    expect(f.totals.redeemedKopecks).toBe(10_000);
    expect(f.totals.accruedKopecks).toBeGreaterThan(0);
    expect(f.totals.welcomeKopecks).toBeGreaterThan(0);
    expect(f.totals.refundKopecks).toBeGreaterThan(0);
    // The terminal rows sum to the totals, field by field and share by share.
    for (const k of SUMMED)
      expect(
        f.terminals.reduce((sum, t) => sum + t[k], 0),
        k,
      ).toBe(f.totals[k]);
    expect(f.terminals.reduce((sum, t) => sum + t.identifiedShare.numerator, 0)).toBe(f.totals.identifiedShare.numerator);
    expect(f.terminals.reduce((sum, t) => sum + t.identifiedShare.denominator, 0)).toBe(f.totals.identifiedShare.denominator);
    // Counts and sums only: no names, phones or customer ids.
    expect(body).not.toMatch(/Вера|\+7999|\+7916|customerId|"7"/);
  });

  it('shows each store its own sales only', async () => {
    const { figures: k } = await figures(kazan, day);
    expect(k.storeId).toBe(2);
    expect(k.terminals.map((t) => t.terminalId)).toEqual([kazan.terminalId]);
    expect(k.totals).toMatchObject({ ...expected.get(kazan.terminalId), receipts: 1, registrations: 1 });
    const { figures: m } = await figures(tillA, day);
    expect(m.totals.salesKopecks).toBe([tillA, tillB].reduce((sum, t) => sum + expected.get(t.terminalId)!.salesKopecks, 0));
  });

  it('adds up a range of days as the sum of its days, returns included', async () => {
    const res = await s.inject({
      method: 'GET',
      url: `/api/v1/manager/figures?date=${day}&to=${nextDay}`,
      headers: { authorization: `Bearer ${tillA.token}`, 'x-manager-token': sessions.get(tillA.terminalId)! },
    });
    expect(res.statusCode, res.body).toBe(200);
    const range = StoreFigures.parse(res.json());
    const { figures: one } = await figures(tillA, day);
    const { figures: two } = await figures(tillA, nextDay);
    expect(range).toMatchObject({ date: day, dateTo: nextDay, from: one.from, to: two.to });
    for (const k of SUMMED) expect(range.totals[k], k).toBe(one.totals[k] + two.totals[k]);
    const backwards = await s.inject({
      method: 'GET',
      url: `/api/v1/manager/figures?date=${nextDay}&to=${day}`,
      headers: { authorization: `Bearer ${tillA.token}`, 'x-manager-token': sessions.get(tillA.terminalId)! },
    });
    expect(backwards.statusCode).toBe(400);
  });

  it('splits days at local midnight: 23:30 and 00:30 fall on different days', async () => {
    // Both instants are on the same UTC day (20:30Z and 21:30Z); in Moscow they are not.
    const { figures: before } = await figures(tillA, day);
    const { figures: after } = await figures(tillA, nextDay);
    expect(before.terminals.find((t) => t.terminalId === tillA.terminalId)!.receipts).toBe(4);
    expect(after.totals).toMatchObject({ receipts: 1, identifiedReceipts: 1, registrations: 0 });
    expect(after.terminals.find((t) => t.terminalId === tillA.terminalId)!.receipts).toBe(1);
    expect(after.from).toBe(`${day}T21:00:00.000Z`);
    const { figures: quiet } = await figures(tillA, addDays(day, -1));
    expect(quiet.totals.receipts).toBe(0);

    // The same sales seen from a store in another zone: the boundary moves with the store's zone.
    await s.db.query(`UPDATE stores SET time_zone = 'Asia/Yekaterinburg' WHERE id = 1`); // UTC+5
    try {
      const { figures: ekb } = await figures(tillA, day);
      expect(ekb.from).toBe(`${addDays(day, -1)}T19:00:00.000Z`);
      // 09:15 MSK is 11:15 there, and 23:30 / 00:30 MSK are 01:30 / 02:30 of the next day.
      expect(ekb.terminals.find((t) => t.terminalId === tillA.terminalId)!.receipts).toBe(3);
    } finally {
      await s.db.query(`UPDATE stores SET time_zone = 'Europe/Moscow' WHERE id = 1`);
    }
  });

  it("defaults to today in the store's time zone and refuses a bad date", async () => {
    await sell(tillB, 1, { customerId: null, lines: [line(11)], at: new Date() });
    const { figures: today } = await figures(tillB);
    expect(today.date).toBe(moscowDate(new Date()));
    expect(today.totals.receipts).toBe(1);
    for (const q of ['date=2025-02-30', 'date=yesterday', 'date=1900-01-01', 'date=2025-01-01&store=2', 'date=2025-1-1']) {
      const res = await s.inject({
        method: 'GET',
        url: `/api/v1/manager/figures?${q}`,
        headers: { authorization: `Bearer ${tillB.token}`, 'x-manager-token': sessions.get(tillB.terminalId)! },
      });
      expect(res.statusCode, q).toBe(400);
      expect(res.json().code).toBe('invalid_request');
    }
  });
});
