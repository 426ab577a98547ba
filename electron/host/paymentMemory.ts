import type { PaymentAnswer, PaymentOutcome } from '../../sync/protocol/host';

/**
 * The terminal's answers by receipt id, kept by the host, which outlives the page: a renderer
 * that reloads while the customer types a PIN asks here what happened instead of charging again.
 */
export interface PaymentMemory {
  /** Run one payment, remembering it while it runs and after; the same receipt id is never sent twice. */
  run(receiptId: string, pay: () => Promise<PaymentAnswer>): Promise<PaymentAnswer>;
  outcome(receiptId: string): PaymentOutcome;
}

export function createPaymentMemory(keep = 200): PaymentMemory {
  const running = new Map<string, Promise<PaymentAnswer>>();
  const answered = new Map<string, PaymentAnswer>();
  return {
    run(receiptId, pay) {
      const done = answered.get(receiptId);
      if (done) return Promise.resolve(done);
      const inFlight = running.get(receiptId);
      if (inFlight) return inFlight;
      const p = pay()
        .catch((err: unknown): PaymentAnswer => ({ approved: false, declineReason: err instanceof Error ? err.message.slice(0, 200) : 'terminal-error' }))
        .then((answer) => {
          answered.set(receiptId, answer);
          // Oldest first out: a till makes a few hundred card payments a day at most.
          while (answered.size > keep) answered.delete(answered.keys().next().value as string);
          return answer;
        })
        .finally(() => running.delete(receiptId));
      running.set(receiptId, p);
      return p;
    },
    outcome(receiptId) {
      const answer = answered.get(receiptId);
      if (answer) return { state: 'answered', answer };
      return running.has(receiptId) ? { state: 'pending' } : { state: 'unknown' };
    },
  };
}
