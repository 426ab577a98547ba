import { randomId } from './ids';
import { enqueue } from './outbox';
import type { FeedbackEvent } from '../protocol/events';
import type { TillDb } from './tillDb';

/**
 * Feedback after a purchase (issue 16): the customer rates the visit 1-5 on the receipt screen
 * and the till queues it as an event with the receipt's id; the server keeps one answer per
 * receipt, by store and cashier.
 */
export async function recordFeedback(
  db: TillDb,
  answer: { receiptId: string; rating: number; comment?: string; cashierId?: string | null; now: number },
): Promise<FeedbackEvent> {
  if (!Number.isInteger(answer.rating) || answer.rating < 1 || answer.rating > 5) throw new RangeError('a rating is 1 to 5');
  const event: FeedbackEvent = {
    eventId: randomId(),
    occurredAt: new Date(answer.now).toISOString(),
    type: 'feedback',
    receiptId: answer.receiptId,
    rating: answer.rating,
    ...(answer.comment?.trim() ? { comment: answer.comment.trim().slice(0, 500) } : {}),
    ...(answer.cashierId ? { cashierId: answer.cashierId } : {}),
  };
  await enqueue(db, event, answer.now);
  return event;
}
