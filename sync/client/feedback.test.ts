import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { TillEvent } from '../protocol/events';
import { recordFeedback } from './feedback';
import { TillDb } from './tillDb';

describe('feedback at the till', () => {
  it('queues the rating as an event the server accepts, and refuses a rating outside 1-5', async () => {
    const db = new TillDb('feedback-1');
    const ev = await recordFeedback(db, { receiptId: 'T1-ABC', rating: 4, comment: '  спасибо ', cashierId: '3', now: Date.now() });
    expect(TillEvent.safeParse(ev).success).toBe(true);
    const [queued] = await db.outbox.toArray();
    expect(queued).toMatchObject({ type: 'feedback', status: 'pending', event: { receiptId: 'T1-ABC', rating: 4, comment: 'спасибо', cashierId: '3' } });
    await expect(recordFeedback(db, { receiptId: 'T1-ABC', rating: 0, now: Date.now() })).rejects.toThrow(RangeError);
    db.close();
  });
});
