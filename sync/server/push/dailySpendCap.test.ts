import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnrolResponse } from '../../protocol/schemas';
import { verifyLedger } from '../ledger';
import { testDatabases } from '../testing/databases';
import { line, sale } from '../testing/events';
import { admin, startTestServer, type TestServer } from '../testing/fixtures';

const CAP = 50_000;

describe.each(testDatabases())('daily bonus spend cap per customer on $name', ({ open }) => {
  let s: TestServer;
  let till: EnrolResponse;
  let other: EnrolResponse;

  beforeAll(async () => {
    s = await startTestServer(open);
    till = await s.enrol(1);
    other = await s.enrol(1);
    const current = await s.inject({ method: 'GET', url: '/api/v1/admin/chains/1/programme', headers: admin });
    const programme = { ...current.json().programme, dailySpendCapKopecks: CAP };
    programme.version += 1;
    const put = await s.inject({ method: 'PUT', url: '/api/v1/admin/chains/1/programme', headers: admin, payload: programme });
    expect(put.statusCode, put.body).toBe(200);
  });
  afterAll(async () => {
    expect(await verifyLedger(s.db)).toEqual([]);
    await s?.close();
  });

  const balanceOf = async (id: number) =>
    Number((await s.db.query<{ balance: number }>('SELECT balance FROM balances WHERE customer_id = $1', [id]))[0]?.balance ?? 0);
  const spending = (id: number, amount: number, available: number) =>
    sale({ customerId: String(id), available, lines: [line(20, 20), line(21, 20), line(22, 20)], redeem: amount }).event;

  it('refuses a spend over the cap across tills, counting what the customer spent at other tills in the last 24 hours', async () => {
    const id = 41;
    const bal = await balanceOf(id);
    expect(bal).toBeGreaterThan(CAP + 30_000);
    const [a] = await s.push(till.token, [spending(id, 30_000, bal)]);
    expect(a).toMatchObject({ status: 'applied' });
    // Another till, the same day: 30 000 more would make 60 000.
    const [b] = await s.push(other.token, [spending(id, 30_000, bal - 30_000)]);
    expect(b).toMatchObject({ status: 'rejected', code: 'daily_spend_cap' });
    expect(await balanceOf(id)).toBe(bal - 30_000);
    // Up to the cap is fine.
    const [c] = await s.push(other.token, [spending(id, 20_000, bal - 30_000)]);
    expect(c).toMatchObject({ status: 'applied' });
    expect(await balanceOf(id)).toBe(bal - CAP);
  });

  it('counts the earlier sales of the same batch (one push, applied together)', async () => {
    const id = 42;
    const bal = await balanceOf(id);
    const results = await s.push(till.token, [spending(id, 30_000, bal), spending(id, 30_000, bal - 30_000), spending(id, 10_000, bal - 30_000)]);
    expect(results.map((r) => (r.status === 'rejected' ? r.code : r.status))).toEqual(['applied', 'daily_spend_cap', 'applied']);
    expect(await balanceOf(id)).toBe(bal - 40_000);
  });

  it('lets a customer earn and pay without bonuses whatever they spent', async () => {
    const id = 41;
    const [r] = await s.push(till.token, [spending(id, 0, 0)]);
    expect(r).toMatchObject({ status: 'applied' });
  });
});
