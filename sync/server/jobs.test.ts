import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnrolResponse } from '../protocol/schemas';
import { activatePending, expireLots } from './jobs';
import { verifyLedger } from './ledger';
import { testDatabases } from './testing/databases';
import { DAY, line, registration, sale } from './testing/events';
import { admin, startTestServer, type TestServer } from './testing/fixtures';

describe.each(testDatabases())('ledger jobs on $name', ({ open }) => {
  let s: TestServer;
  let till: EnrolResponse;
  beforeAll(async () => {
    s = await startTestServer(open, { customers: 50 });
    till = await s.enrol(1);
  });
  afterAll(async () => {
    await s?.close();
  });

  async function register(phone: string): Promise<string> {
    const [r] = await s.push(till.token, [registration({ phone, welcome: 20_000 })]);
    if (r?.status !== 'applied' || !r.result.customerId) throw new Error(`registration failed: ${JSON.stringify(r)}`);
    return r.result.customerId;
  }
  async function state(id: string) {
    const [b] = await s.db.query<{ balance: number; pending: number; debt: number }>('SELECT balance, pending, debt FROM balances WHERE customer_id = $1', [
      id,
    ]);
    const res = await s.inject({ method: 'GET', url: '/api/v1/pull/customers?limit=10000', headers: { authorization: `Bearer ${till.token}` } });
    const pulled = (res.json().items as { id: string; balance: number; pending: number }[]).find((c) => c.id === id);
    return { balance: Number(b?.balance), pending: Number(b?.pending), debt: Number(b?.debt), pulled };
  }
  const ledgerRows = async () => Number((await s.db.query<{ n: number }>('SELECT count(*)::int AS n FROM ledger'))[0]?.n);

  it('turns pending accruals into spendable bonuses after the return window, once', async () => {
    const id = await register('+79995550001');
    const sold = sale({ customerId: id, available: 20_000, lines: [line(1, 4), line(2, 4)] });
    await s.push(till.token, [sold.event]);
    const accrued = sold.priced.totals.accrued;
    expect(accrued).toBeGreaterThan(0);
    expect(await state(id)).toMatchObject({ balance: 20_000, pending: accrued, pulled: { balance: 20_000, pending: accrued } });

    // Not yet: the window is 14 days.
    expect((await activatePending(s.db, new Date(Date.now() + 13 * DAY))).customers).toBe(0);
    const later = new Date(Date.now() + 15 * DAY);
    expect((await activatePending(s.db, later)).customers).toBeGreaterThanOrEqual(1);
    expect(await state(id)).toMatchObject({ balance: 20_000 + accrued, pending: 0, pulled: { balance: 20_000 + accrued, pending: 0 } });
    const rows = await ledgerRows();
    expect(await activatePending(s.db, later)).toEqual({ customers: 0 });
    expect(await ledgerRows()).toBe(rows);
    expect(await verifyLedger(s.db)).toEqual([]);
  });

  it('pays off a negative balance from bonuses as they become spendable, so expiry writes off only what is left', async () => {
    const id = await register('+79995550002');
    // Offline, two tills spent 15,000 each from a 20,000 welcome bonus.
    const lines = [line(10, 10), line(11, 10)];
    const a = sale({ customerId: id, available: 20_000, online: false, lines, redeem: 15_000 });
    const b = sale({ customerId: id, available: 20_000, online: false, lines, redeem: 15_000 });
    await s.push(till.token, [a.event, b.event]);
    const accrued = a.priced.totals.accrued + b.priced.totals.accrued;
    expect(await state(id)).toMatchObject({ balance: -10_000, debt: 10_000 });

    await activatePending(s.db, new Date(Date.now() + 15 * DAY));
    expect(await state(id)).toMatchObject({ balance: accrued - 10_000, debt: Math.max(0, 10_000 - accrued) });

    const yearOn = new Date(Date.now() + 400 * DAY);
    await expireLots(s.db, yearOn);
    expect(await state(id)).toMatchObject({ balance: Math.min(0, accrued - 10_000), pending: 0 });
    const written = await s.db.query<{ amount: number }>(`SELECT amount FROM ledger WHERE customer_id = $1 AND kind = 'expiry' ORDER BY id`, [id]);
    expect(-written.reduce((t, r) => t + Number(r.amount), 0)).toBe(Math.max(0, accrued - 10_000));
    expect(await verifyLedger(s.db)).toEqual([]);
  });

  it('writes off expired bonuses soonest-expiring first, and a second run changes nothing', async () => {
    const id = await register('+79995550003');
    // An older accrual (earned 30 days ago) and the welcome bonus (today).
    const old = sale({ customerId: id, available: 20_000, lines: [line(5, 5)], at: new Date(Date.now() - 30 * DAY) });
    await s.push(till.token, [old.event]);
    const adj = await s.inject({
      method: 'POST',
      url: '/api/v1/admin/adjustments',
      headers: admin,
      payload: { requestId: crypto.randomUUID(), customerId: id, amountKopecks: 1_234, reason: 'goodwill' },
    });
    expect(adj.statusCode).toBe(200);
    const before = await state(id);
    expect(before.balance).toBe(20_000 + old.priced.totals.accrued + 1_234);

    // 350 days on, only the 30-day-old accrual has expired.
    const mid = new Date(Date.now() + 350 * DAY);
    await expireLots(s.db, mid);
    expect((await state(id)).balance).toBe(20_000 + 1_234);
    const end = new Date(Date.now() + 370 * DAY);
    await expireLots(s.db, end);
    expect((await state(id)).balance).toBe(0);
    const lots = await s.db.query<{ lot_id: number; expires_at: Date }>(
      `SELECT l.lot_id, lo.expires_at FROM ledger l JOIN lots lo ON lo.id = l.lot_id WHERE l.customer_id = $1 AND l.kind = 'expiry' ORDER BY l.id`,
      [id],
    );
    const times = lots.map((l) => new Date(l.expires_at).getTime());
    expect(times).toEqual([...times].sort((x, y) => x - y));
    const rows = await ledgerRows();
    expect(await expireLots(s.db, end)).toEqual({ customers: 0 });
    expect(await ledgerRows()).toBe(rows);
    expect(await verifyLedger(s.db)).toEqual([]);
  });

  it('runs the jobs from the admin API and reports the ledger consistent', async () => {
    const run = await s.inject({ method: 'POST', url: '/api/v1/admin/jobs/run', headers: admin });
    expect(run.statusCode).toBe(200);
    expect(run.json()).toHaveProperty('activated.customers');
    const verify = await s.inject({ method: 'GET', url: '/api/v1/admin/ledger/verify', headers: admin });
    expect(verify.json()).toEqual({ ok: true, mismatches: [] });
  });
});
