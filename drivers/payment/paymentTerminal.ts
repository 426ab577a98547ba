/** What the till asks of any payment terminal, whatever its protocol. */
export interface PaymentResult {
  approved: boolean;
  /** Keyed hash of the card (bankCardLookupKey), for finding the customer by bank card. */
  tokenHash?: string;
  last4?: string;
  /** Retrieval reference number of the bank transaction, for refunds and reconciliation. */
  rrn?: string;
  /** Why it was not approved: the bank's reason, or 'timeout', 'busy', 'terminal-unavailable', 'invalid-request'. */
  declineReason?: string;
}

/**
 * A bank card read before any charge, to find the customer by it. The hash is made as for a
 * payment, so it matches the card's earlier payments; the card number never leaves the driver.
 */
export type CardReadResult =
  | { ok: true; tokenHash: string; last4?: string }
  /**
   * 'timeout', 'busy', 'terminal-unavailable', 'invalid-request', 'not-enrolled' (no lookup
   * secret yet: a card cannot be looked up), 'card-hash-failed', 'terminal-error: …', or the
   * terminal's own reason (the customer cancelled, the card could not be read).
   */
  | { ok: false; reason: string };

export interface PaymentTerminal {
  pay(amountKopecks: number, receiptId: string): Promise<PaymentResult>;
  /**
   * Returns `amountKopecks` to the card of the payment whose RRN is `originalRrn`, under the
   * return receipt's own id. Answers like pay(); `rrn` is the refund's own reference. After a
   * 'timeout', retry with the same `receiptId`: the terminal treats it as the same refund.
   */
  refund(amountKopecks: number, receiptId: string, originalRrn: string): Promise<PaymentResult>;
  /** Asks the customer to present a card, charges nothing, and answers its lookup hash. */
  readCard(requestId: string): Promise<CardReadResult>;
}
