import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContextPage } from '../protocol/pull';
import { demoBalance } from './demoSeed';
import { testDatabases } from './testing/databases';
import { startTestServer, type TestServer } from './testing/fixtures';

const DAY = 86_400_000;

describe.each(testDatabases())('soonest-expiring bonuses in the customer context ($name)', (engine) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(engine.open, { customers: 12 });
  }, 120_000);
  afterAll(() => s.close());

  it('the first pull carries customers whose bonuses burn within the warning window, with the amount and the date', async () => {
    await s.db.query(`UPDATE lots SET expires_at = now() + interval '5 days' WHERE customer_id = 5`);
    await s.db.query(`UPDATE lots SET expires_at = now() + interval '100 days' WHERE customer_id = 6`);
    // A spent lot burns nothing.
    await s.db.query(`UPDATE lots SET expires_at = now() + interval '3 days', remaining = 0 WHERE customer_id = 7`);
    const t = await s.enrol(1);
    const pulled = await s.inject({ method: 'GET', url: '/api/v1/pull/contexts?cursor=0', headers: { authorization: `Bearer ${t.token}` } });
    const page = ContextPage.parse(pulled.json());
    const five = page.items.find((c) => c.customerId === '5');
    expect(five?.expiring?.amountKopecks).toBe(demoBalance(5));
    expect(Math.abs(five!.expiring!.atMs - (Date.now() + 5 * DAY))).toBeLessThan(DAY);
    expect(page.items.find((c) => c.customerId === '6')).toBeUndefined();
    expect(page.items.find((c) => c.customerId === '7')).toBeUndefined();
  });
});
