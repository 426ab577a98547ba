import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PROGRAMME, demoBalance, demoCardNumber } from './demoSeed';
import { payReferrals } from './referrals';
import { RulesCache } from './rules';
import { testDatabases } from './testing/databases';
import { line, registration, sale } from './testing/events';
import { admin, startTestServer, type TestServer } from './testing/fixtures';

describe.each(testDatabases())('referrals ($name)', (engine) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(engine.open, { customers: 10 });
    const put = await s.inject({
      method: 'PUT',
      url: '/api/v1/admin/chains/1/programme',
      headers: admin,
      payload: { ...DEMO_PROGRAMME, version: 2, referralBonusKopecks: 20_000 },
    });
    expect(put.statusCode, put.body).toBe(200);
  }, 120_000);
  afterAll(() => s.close());

  const balance = async (id: number | string) =>
    Number((await s.db.query<{ balance: string }>('SELECT balance::text AS balance FROM balances WHERE customer_id = $1', [id]))[0]!.balance);

  it('pays the referrer and the newcomer once, after the first purchase, however many runs race', async () => {
    const t = await s.enrol(1);
    const reg = { ...registration({ phone: '+79990001122', welcome: 10_000 }), referrer: { card: demoCardNumber(5) } };
    const [r] = await s.push(t.token, [reg]);
    expect(r!.status, JSON.stringify(r)).toBe('applied');
    const [row] = await s.db.query<{ id: string; referred_by: string }>('SELECT id::text, referred_by::text FROM customers WHERE referred_by IS NOT NULL');
    expect(row!.referred_by).toBe('5');
    const cache = new RulesCache();
    expect(await payReferrals(s.db, cache)).toEqual({ paid: 0 }); // no purchase yet
    const referrerBefore = await balance(5);
    expect(referrerBefore).toBe(demoBalance(5));

    const bought = await s.push(t.token, [sale({ customerId: reg.customerId, lines: [line(3)] }).event]);
    expect(bought[0]!.status).toBe('applied');
    const newcomerBefore = await balance(row!.id);
    const runs = await Promise.all([payReferrals(s.db, cache), payReferrals(s.db, new RulesCache()), payReferrals(s.db, cache)]);
    expect(runs.reduce((n, x) => n + x.paid, 0)).toBe(1);
    expect(await payReferrals(s.db, cache)).toEqual({ paid: 0 });
    expect(await balance(5)).toBe(referrerBefore + 20_000);
    expect(await balance(row!.id)).toBe(newcomerBefore + 20_000);
    const [n] = await s.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ledger WHERE reason LIKE 'referral %'`);
    expect(n!.n).toBe(2);
  });

  it('ignores a referrer card the chain does not know', async () => {
    const t = await s.enrol(1);
    const reg = { ...registration({ phone: '+79990001133' }), referrer: { card: demoCardNumber(999) } };
    expect((await s.push(t.token, [reg]))[0]!.status).toBe('applied');
    const [c] = await s.db.query<{ referred_by: string | null }>(
      'SELECT c.referred_by::text FROM customers c JOIN customer_aliases a ON a.customer_id = c.id WHERE a.alias = $1',
      [reg.customerId],
    );
    expect(c!.referred_by).toBeNull();
  });
});
