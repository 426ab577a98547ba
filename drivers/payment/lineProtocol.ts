/**
 * The till <-> payment terminal line protocol (see PROTOCOL.md): ASCII lines ended by LF.
 * Pure formatting and parsing; the adapter does the I/O.
 */
export const RECEIPT_ID = /^[A-Za-z0-9_-]{1,64}$/;
// ISO 8583 field 37 is 12 characters; no longer, so that a card number can never pass as one.
const RRN = /^[A-Za-z0-9]{1,12}$/;
const TOKEN = /^[A-Za-z0-9_-]{8,128}$/;
const PAN = /^\d{12,19}$/;
const LAST4 = /^\d{4}$/;
const MAX_AMOUNT = 100_000_000_000; // 1 bn roubles in kopecks: far beyond any basket.

export const MAX_LINE_LENGTH = 512;

export function validPayRequest(receiptId: string, amountKopecks: number): boolean {
  return RECEIPT_ID.test(receiptId) && Number.isSafeInteger(amountKopecks) && amountKopecks > 0 && amountKopecks <= MAX_AMOUNT;
}

export function validRefundRequest(receiptId: string, amountKopecks: number, originalRrn: string): boolean {
  return validPayRequest(receiptId, amountKopecks) && RRN.test(originalRrn);
}

export function formatPay(receiptId: string, amountKopecks: number): string {
  if (!validPayRequest(receiptId, amountKopecks)) throw new RangeError('invalid PAY request');
  return `PAY ${receiptId} ${amountKopecks}\n`;
}

export function formatRefund(receiptId: string, amountKopecks: number, originalRrn: string): string {
  if (!validRefundRequest(receiptId, amountKopecks, originalRrn)) throw new RangeError('invalid REFUND request');
  return `REFUND ${receiptId} ${amountKopecks} ${originalRrn}\n`;
}

export function formatRead(requestId: string): string {
  if (!RECEIPT_ID.test(requestId)) throw new RangeError('invalid request id');
  return `READ ${requestId}\n`;
}

export function formatCancel(receiptId: string): string {
  if (!RECEIPT_ID.test(receiptId)) throw new RangeError('invalid receipt id');
  return `CANCEL ${receiptId}\n`;
}

/**
 * The card reference in an approval or a card read: the terminal's own token, or (older
 * terminals) the PAN itself, which the adapter must hash at once.
 */
export type CardRef = { kind: 'none' } | { kind: 'pan'; pan: string } | { kind: 'token'; token: string };

export type TerminalReply =
  | { kind: 'ok'; receiptId: string; rrn: string; card: CardRef; last4: string | null }
  | { kind: 'card'; requestId: string; card: Exclude<CardRef, { kind: 'none' }>; last4: string | null }
  | { kind: 'declined'; receiptId: string; reason: string }
  | { kind: 'error'; receiptId: string | null; reason: string }
  | { kind: 'invalid' };

/** Parses one line (without its LF; a trailing CR is tolerated). */
export function parseReply(line: string): TerminalReply {
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  if (text.length > MAX_LINE_LENGTH || !/^[\x20-\x7e]*$/.test(text)) return { kind: 'invalid' };
  const [verb, receiptId, ...rest] = text.split(' ');
  if (receiptId === undefined) return { kind: 'invalid' };
  switch (verb) {
    case 'OK': {
      const [rrn, card, last4, ...extra] = rest;
      if (!RECEIPT_ID.test(receiptId) || rrn === undefined || !RRN.test(rrn) || extra.length > 0) return { kind: 'invalid' };
      const cardRef = parseCardRef(card ?? '-');
      const l4 = parseLast4(last4);
      if (!cardRef || l4 === undefined) return { kind: 'invalid' };
      return { kind: 'ok', receiptId, rrn, card: cardRef, last4: l4 };
    }
    case 'CARD': {
      // A card read identifies the customer: without a card reference it says nothing.
      const [card, last4, ...extra] = rest;
      if (!RECEIPT_ID.test(receiptId) || card === undefined || extra.length > 0) return { kind: 'invalid' };
      const cardRef = parseCardRef(card);
      const l4 = parseLast4(last4);
      if (!cardRef || cardRef.kind === 'none' || l4 === undefined) return { kind: 'invalid' };
      return { kind: 'card', requestId: receiptId, card: cardRef, last4: l4 };
    }
    case 'DECLINED':
      if (!RECEIPT_ID.test(receiptId)) return { kind: 'invalid' };
      return { kind: 'declined', receiptId, reason: rest.join(' ').slice(0, 200) || 'declined' };
    case 'ERROR':
      if (receiptId !== '-' && !RECEIPT_ID.test(receiptId)) return { kind: 'invalid' };
      return { kind: 'error', receiptId: receiptId === '-' ? null : receiptId, reason: rest.join(' ').slice(0, 200) || 'terminal error' };
    default:
      return { kind: 'invalid' };
  }
}

function parseCardRef(s: string): CardRef | null {
  if (s === '-') return { kind: 'none' };
  if (PAN.test(s)) return { kind: 'pan', pan: s };
  if (TOKEN.test(s)) return { kind: 'token', token: s };
  return null;
}

/** Four digits, '-' or absent -> null; anything else -> undefined (malformed). */
function parseLast4(s: string | undefined): string | null | undefined {
  if (s === undefined || s === '-') return null;
  return LAST4.test(s) ? s : undefined;
}
