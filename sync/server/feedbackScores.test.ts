import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeedbackEvent } from '../protocol/events';
import { ChainFeedback } from '../protocol/feedback';
import { storeFeedback } from './feedbackScores';
import { testDatabases } from './testing/databases';
import { admin, startTestServer, type TestServer } from './testing/fixtures';

describe.each(testDatabases())('feedback scores for the manager and head office ($name)', (engine) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(engine.open, { customers: 2 });
  }, 120_000);
  afterAll(() => s.close());

  it("the store's and each cashier's score and NPS-style index over the period; per store and region for head office", async () => {
    const t = await s.enrol(1);
    const [anna] = await s.db.query<{ id: string }>(
      `INSERT INTO cashiers (store_id, personnel_no, name, pin_hash) VALUES (1, 'T-901', 'Анна Тестова', 'x') RETURNING id::text AS id`,
    );
    const rate = (rating: number, cashierId?: string): FeedbackEvent => ({
      eventId: randomUUID(),
      occurredAt: new Date().toISOString(),
      type: 'feedback',
      receiptId: `FB-${randomUUID().slice(0, 8)}`,
      rating,
      ...(cashierId ? { cashierId } : {}),
    });
    // Anna: 5, 5, 4, 2 -> average 4.00, index (2 - 1) / 4 = +25. Nobody signed in: 1 -> index -100.
    const results = await s.push(t.token, [rate(5, anna!.id), rate(5, anna!.id), rate(4, anna!.id), rate(2, anna!.id), rate(1)]);
    expect(results.every((r) => r.status === 'applied')).toBe(true);

    const store = await storeFeedback(s.db, 1, null, null);
    expect(store.store).toMatchObject({ answers: 5, averageHundredths: 340, promoters: 2, passives: 1, detractors: 2, index: 0 });
    expect(store.cashiers).toEqual([
      expect.objectContaining({ cashierId: anna!.id, cashierName: 'Анна Тестова', answers: 4, averageHundredths: 400, index: 25 }),
      expect.objectContaining({ cashierId: null, answers: 1, index: -100 }),
    ]);
    // Yesterday had none.
    const yesterday = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
    expect((await storeFeedback(s.db, 1, yesterday, yesterday)).store).toMatchObject({ answers: 0, index: null });

    const today = store.date;
    const res = await s.inject({ method: 'GET', url: `/api/v1/admin/chains/1/feedback?from=${yesterday}&to=${today}`, headers: admin });
    expect(res.statusCode, res.body).toBe(200);
    const chain = ChainFeedback.parse(res.json());
    expect(chain.chain).toMatchObject({ answers: 5, index: 0 });
    expect(chain.stores.find((x) => x.storeId === 1)).toMatchObject({ answers: 5 });
    expect(chain.stores.filter((x) => x.storeId !== 1).every((x) => x.answers === 0)).toBe(true);
    expect(chain.regions.reduce((sum, r) => sum + r.answers, 0)).toBe(5);
  });
});
