import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeedbackEvent } from '../protocol/events';
import { testDatabases } from './testing/databases';
import { startTestServer, type TestServer } from './testing/fixtures';

const feedback = (receiptId: string, rating: number, comment?: string): FeedbackEvent => ({
  eventId: randomUUID(),
  occurredAt: new Date().toISOString(),
  type: 'feedback',
  receiptId,
  rating,
  ...(comment ? { comment } : {}),
});

describe.each(testDatabases())('feedback after a purchase ($name)', (engine) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(engine.open, { customers: 2 });
  }, 120_000);
  afterAll(() => s.close());

  it('keeps one rating per receipt, by store and till, and refuses a rating outside 1-5', async () => {
    const t = await s.enrol(2);
    const first = feedback('R-1', 5, 'Быстро и вежливо');
    const results = await s.push(t.token, [first, feedback('R-1', 1), feedback('R-2', 4), feedback('R-3', 6)]);
    expect(results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied', 'rejected']);
    const again = await s.push(t.token, [first]);
    expect(again[0]!.status).toBe('duplicate');
    const rows = await s.db.query<{ receipt_id: string; rating: number; comment: string | null; store_id: number }>(
      'SELECT receipt_id, rating, comment, store_id FROM feedback ORDER BY receipt_id',
    );
    expect(rows).toEqual([
      { receipt_id: 'R-1', rating: 5, comment: 'Быстро и вежливо', store_id: 2 },
      { receipt_id: 'R-2', rating: 4, comment: null, store_id: 2 },
    ]);
  });
});
