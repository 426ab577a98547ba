import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from './testing/databases';
import { admin, startTestServer, type TestServer } from './testing/fixtures';

describe.each(testDatabases())('gift certificates at the server ($name)', (engine) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(engine.open, { customers: 3 });
  }, 120_000);
  afterAll(() => s.close());

  it('sold, paid with in part under concurrent pushes from two tills, never below zero, each move once', async () => {
    const issued = await s.inject({
      method: 'POST',
      url: '/api/v1/admin/chains/1/certificates',
      headers: admin,
      payload: { nominalKopecks: 300_000, count: 1, prefix: 'GC' },
    });
    expect(issued.statusCode, issued.body).toBe(200);
    const code = issued.json<{ codes: string[] }>().codes[0]!;
    const [t1, t2] = [await s.enrol(1), await s.enrol(2)];
    const move = (token: string, body: Record<string, unknown>, c = code) =>
      s.inject({ method: 'POST', url: `/api/v1/certificates/${c}/moves`, headers: { authorization: `Bearer ${token}` }, payload: body });

    expect((await move(t1.token, { eventId: randomUUID(), kind: 'redemption', amountKopecks: 100 })).json()).toMatchObject({ code: 'notActive' });
    const sold = randomUUID();
    expect((await move(t1.token, { eventId: sold, kind: 'activation', amountKopecks: 300_000 })).json()).toMatchObject({
      balanceKopecks: 300_000,
      state: 'active',
    });
    expect((await move(t1.token, { eventId: sold, kind: 'activation', amountKopecks: 300_000 })).json()).toMatchObject({ duplicate: true });

    // Two tills take 200 000 each at once: one is paid, the other refused; the balance never goes below zero.
    const [a, b] = await Promise.all([
      move(t1.token, { eventId: randomUUID(), kind: 'redemption', amountKopecks: 200_000, receiptId: 'r1' }),
      move(t2.token, { eventId: randomUUID(), kind: 'redemption', amountKopecks: 200_000, receiptId: 'r2' }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const seen = await s.inject({ method: 'GET', url: `/api/v1/certificates/${code.toLowerCase()}`, headers: { authorization: `Bearer ${t2.token}` } });
    expect(seen.json()).toMatchObject({ balanceKopecks: 100_000, nominalKopecks: 300_000 });
    const rest = randomUUID();
    expect((await move(t2.token, { eventId: rest, kind: 'redemption', amountKopecks: 100_000 })).json()).toMatchObject({ balanceKopecks: 0 });
    expect((await move(t2.token, { eventId: rest, kind: 'redemption', amountKopecks: 100_000 })).json()).toMatchObject({ balanceKopecks: 0, duplicate: true });
    const [sum] = await s.db.query<{ n: string }>(`SELECT sum(amount)::text AS n FROM certificate_moves WHERE code = $1 AND kind = 'redemption'`, [code]);
    expect(Number(sum!.n)).toBe(300_000);
    expect((await s.inject({ method: 'GET', url: '/api/v1/certificates/NOSUCH1', headers: { authorization: `Bearer ${t1.token}` } })).statusCode).toBe(404);
  });
});
