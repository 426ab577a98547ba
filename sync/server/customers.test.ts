import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomerPage, LookupResponse, type EnrolResponse } from '../protocol/schemas';
import { demoBirthday, demoCardNumber } from './demoSeed';
import { testDatabases } from './testing/databases';
import { startTestServer, type TestServer } from './testing/fixtures';

describe.each(testDatabases())('customer birthdays to the till on $name', ({ open }) => {
  let s: TestServer;
  let till: EnrolResponse;
  beforeAll(async () => {
    s = await startTestServer(open, { customers: 30 });
    till = await s.enrol(1);
  });
  afterAll(async () => {
    await s?.close();
  });
  const auth = () => ({ authorization: `Bearer ${till.token}` });
  const born = demoBirthday(24)!;

  it('pulls carry the birthday as month and day, never the year', async () => {
    const res = await s.inject({ method: 'GET', url: '/api/v1/pull/customers?limit=100', headers: auth() });
    expect(res.statusCode).toBe(200);
    const page = CustomerPage.parse(res.json());
    const byId = new Map(page.items.map((c) => [c.id, c]));
    expect(byId.get('24')?.birthday).toEqual({ month: born.month, day: born.day });
    expect(byId.get('23')?.birthday).toBeNull();
    // Neither a field nor any text of the year reaches the till.
    const raw = res.body;
    for (let n = 1; n <= 30; n++) {
      const b = demoBirthday(n);
      if (b) expect(raw).not.toContain(String(b.year));
    }
    expect(raw).not.toMatch(/"year"/);
    expect(Object.keys(byId.get('24')?.birthday ?? {}).sort()).toEqual(['day', 'month']);
  });

  it('a lookup carries it the same way', async () => {
    const res = await s.inject({ method: 'GET', url: `/api/v1/lookup?card=${demoCardNumber(24)}`, headers: auth() });
    expect(res.statusCode).toBe(200);
    expect(LookupResponse.parse(res.json()).customer.birthday).toEqual({ month: born.month, day: born.day });
    expect(res.body).not.toContain(String(born.year));
  });
});
