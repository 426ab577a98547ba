/** Ids made at the till: random UUIDs from WebCrypto, the same in Chromium and Node. */
export function randomId(): string {
  return crypto.randomUUID();
}

/**
 * A receipt number the cashier can read out and type back: the terminal's prefix and the
 * time of the sale in base 36. Not a counter: a till whose local data was wiped must never
 * reuse a number the server already has.
 */
export function receiptNumber(terminalId: string, nowMs: number): string {
  return `${terminalId.replace(/-/g, '').slice(0, 8).toUpperCase()}-${nowMs.toString(36).toUpperCase()}`;
}
