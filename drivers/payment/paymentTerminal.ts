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

export interface PaymentTerminal {
  pay(amountKopecks: number, receiptId: string): Promise<PaymentResult>;
}
