import { gtinValid, luhnValid } from '../../core/luhn';

/*
 * A bank card number (PAN) must never be stored. A truncated swipe or a number typed at scanner
 * speed can land a PAN in any text field (a name, a receipt id, an offer title), so the server
 * refuses every text holding one: a run of 13-19 digits, possibly grouped by single spaces or
 * dashes as cards are printed ("4111 1111 1111 1111"), that passes Luhn.
 */

const MIN_PAN = 13;
const MAX_PAN = 19;
/** A digit run this long holds a Luhn-valid window almost surely; nothing legitimate is one. */
const LONGEST_CHECKED_RUN = 64;
// Uuids are ids, not card numbers: their all-digit groups joined by dashes could pass Luhn by chance.
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
// Digits, each group joined to the next by at most one space or dash.
const DIGIT_RUN = /\d(?:[ -]?\d)*/g;

/** Whether `digits` (only digits) holds a Luhn-valid window of 13-19 digits. */
function holdsLuhnWindow(digits: string): boolean {
  if (digits.length < MIN_PAN) return false;
  if (digits.length > LONGEST_CHECKED_RUN) return true;
  for (let start = 0; start + MIN_PAN <= digits.length; start++) {
    for (let len = MIN_PAN; len <= MAX_PAN && start + len <= digits.length; len++) {
      if (luhnValid(digits.slice(start, start + len))) return true;
    }
  }
  return false;
}

/** Fewer than 13 digits in all: no card number can be in it (most texts; checked without allocating). */
function fewerDigitsThanPan(text: string): boolean {
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57 && ++digits >= MIN_PAN) return false;
  }
  return true;
}

/**
 * Whether a text holds something that may be a bank card number. A value that is exactly an
 * EAN-13 with its GS1 check digit (a product code, or a loyalty card: EAN-13 in the GS1
 * in-store range) is not one: product and card fields hold such codes by design, and GS1 and
 * Luhn check digits differ. (The price: a 13-digit card number, retired Visa, whose last digit
 * also passes GS1, about one in ten of them, is let through when it is a whole field alone.)
 */
export function holdsCardNumber(text: string): boolean {
  if (text.length < MIN_PAN || fewerDigitsThanPan(text)) return false;
  const trimmed = text.trim();
  if (trimmed.length === 13 && gtinValid(trimmed)) return false;
  const scanned = text.replace(UUID, ' ');
  for (const m of scanned.matchAll(DIGIT_RUN)) {
    if (m[0].length >= MIN_PAN && holdsLuhnWindow(m[0].replace(/[ -]/g, ''))) return true;
  }
  return false;
}
