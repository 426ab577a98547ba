import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContextPage } from '../protocol/pull';
import { SegmentCounts } from '../protocol/segments';
import { testDatabases } from './testing/databases';
import { line, sale } from './testing/events';
import { admin, startTestServer, type TestServer } from './testing/fixtures';

const DAY = 86_400_000;

describe.each(testDatabases())('segments job ($name)', (engine) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(engine.open, { customers: 12 });
  }, 120_000);
  afterAll(() => s.close());

  it('names customers new, active, sleeping or lost from their receipts, counts them per store, and tills pull the segments', async () => {
    const rules = await s.inject({
      method: 'PUT',
      url: '/api/v1/admin/chains/1/segment-rules',
      headers: admin,
      payload: { newDays: 30, activeDays: 60, lostDays: 200 },
    });
    expect(rules.statusCode, rules.body).toBe(200);
    const bad = await s.inject({ method: 'PUT', url: '/api/v1/admin/chains/1/segment-rules', headers: admin, payload: { activeDays: 300, lostDays: 100 } });
    expect(bad.statusCode).toBe(400);

    const t1 = await s.enrol(1);
    const t2 = await s.enrol(2);
    const now = Date.now();
    const buy = (token: string, customerId: string, daysAgo: number, storeId = 1) =>
      s.push(token, [sale({ customerId, storeId, lines: [line(1, 1, storeId)], at: new Date(now - daysAgo * DAY) }).event]);
    // 1: bought long ago and lately (active); 2: long ago only (sleeping); 3: very long ago (lost); 4: first purchase last week (new).
    await buy(t1.token, '1', 100);
    await buy(t1.token, '1', 5);
    await buy(t2.token, '2', 120, 2);
    await buy(t1.token, '3', 300);
    await buy(t2.token, '4', 7, 2);

    const run = await s.inject({ method: 'POST', url: '/api/v1/admin/chains/1/segments/run', headers: admin });
    expect(run.statusCode, run.body).toBe(200);
    expect(run.json()).toMatchObject({ customers: 12 });
    const seg = async (id: number) => (await s.db.query<{ segments: string[] }>('SELECT segments FROM customers WHERE id = $1', [id]))[0]!.segments;
    expect(await seg(1)).toContain('active');
    expect(await seg(2)).toContain('sleeping');
    expect(await seg(3)).toContain('lost');
    expect(await seg(4)).toContain('new');
    expect(await seg(5)).toEqual(['new', 'r1', 'f1', 'm1']);

    const counts = (await s.inject({ method: 'GET', url: '/api/v1/admin/chains/1/segments', headers: admin })).json();
    expect(counts.bySegment).toEqual(
      expect.arrayContaining([
        { lifecycle: 'active', customers: 1 },
        { lifecycle: 'sleeping', customers: 1 },
        { lifecycle: 'lost', customers: 1 },
        { lifecycle: 'new', customers: 9 },
      ]),
    );
    expect(counts.byStore).toEqual(
      expect.arrayContaining([
        { storeId: 2, lifecycle: 'sleeping', customers: 1 },
        { storeId: 1, lifecycle: 'lost', customers: 1 },
      ]),
    );
    // As head office's page reads it: when it ran, and every customer once in each RFM score's distribution.
    const parsed = SegmentCounts.parse(counts);
    expect(parsed.computedAt).not.toBeNull();
    expect(Number.isNaN(Date.parse(parsed.computedAt!))).toBe(false);
    for (const k of ['r', 'f', 'm'] as const) expect(parsed.rfm[k].reduce((a, b) => a + b, 0)).toBe(12);
    expect(parsed.rfm.r[0]).toBeGreaterThanOrEqual(8);

    // Nothing changed since: a second run moves no customer, so tills have nothing new to pull.
    expect((await s.inject({ method: 'POST', url: '/api/v1/admin/chains/1/segments/run', headers: admin })).json()).toMatchObject({ changed: 0 });

    const pulled = await s.inject({ method: 'GET', url: '/api/v1/pull/contexts?cursor=0', headers: { authorization: `Bearer ${t1.token}` } });
    const page = ContextPage.parse(pulled.json());
    expect(page.items.find((c) => c.customerId === '2')?.segments).toContain('sleeping');
  });
});
