import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import metadata from 'libphonenumber-js/max/metadata';

/*
 * Full metadata ("max"): a number is valid only when it falls in a range the numbering plan
 * assigns (+7 000… or a nine-digit +7 916… is refused), not merely when its length fits. The
 * till and the server judge phones with the same metadata, so the till never accepts a phone
 * the server will refuse after the customer has left.
 */

export type PhoneResult = { ok: true; e164: string } | { ok: false; reason: 'empty' | 'invalid' };

/**
 * Normalise a phone typed or spoken at the till to E.164. Russian habits are accepted:
 * "8 916 123-45-67", "+7 (916) 123 45 67", "9161234567".
 */
export function normalisePhone(input: string, defaultCountry: 'RU' | 'KZ' | 'BY' = 'RU'): PhoneResult {
  const trimmed = input.trim();
  if (trimmed === '') return { ok: false, reason: 'empty' };
  if (!/^[\d\s()+\-.]+$/.test(trimmed)) return { ok: false, reason: 'invalid' };
  let candidate = trimmed;
  const digits = trimmed.replace(/\D/g, '');
  // A leading 8 before ten digits is the Russian trunk prefix for +7.
  if (!trimmed.startsWith('+') && digits.length === 11 && digits.startsWith('8')) candidate = `+7${digits.slice(1)}`;
  const parsed = parsePhoneNumberFromString(candidate, defaultCountry);
  if (!parsed || !parsed.isValid()) return { ok: false, reason: 'invalid' };
  return { ok: true, e164: parsed.number };
}

const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * Whether an E.164 string is a real, assignable number by the full metadata: what the server
 * requires of a registration's phone. Exactly E.164 (no spaces, no trunk prefix).
 */
export function isValidE164(e164: string): boolean {
  if (!E164.test(e164)) return false;
  const parsed = parsePhoneNumberFromString(e164);
  return parsed !== undefined && parsed.isValid() && parsed.number === e164;
}

// Country calling codes are prefix-free (no code is the start of another), so the first 1-3
// digits that form a known code are the code. A set lookup: maskPhone runs for every customer
// of a pull page, where parsing each number would cost ~20 µs apiece.
const CALLING_CODES: ReadonlySet<string> = new Set(Object.keys(metadata.country_calling_codes));

/** The country calling code of an E.164 number ("375" for +375…), or null when none is known. */
export function countryCallingCode(e164: string): string | null {
  const digits = e164.replace(/\D/g, '');
  for (let n = 1; n <= 3 && n < digits.length; n++) {
    const code = digits.slice(0, n);
    if (CALLING_CODES.has(code)) return code;
  }
  return null;
}

/**
 * "+79161234567" -> "+7 *** ***-**-67", "+375291234567" -> "+375 *** ***-**-67": the country and
 * the last two digits, all a till keeps (issue 13: every digit kept at a till shrinks the search
 * of a stolen till's phone keys a hundredfold per two digits).
 */
export function maskPhone(e164: string): string {
  const digits = e164.replace(/\D/g, '');
  if (digits.length < 4) return '***';
  // No known code (not a valid number): its first digit, so nothing beyond the last two leaks.
  const code = countryCallingCode(e164) ?? digits.slice(0, 1);
  return `+${code} *** ***-**-${digits.slice(-2)}`;
}

/** Format a phone while it is typed: "+7 916 123-45-67"; a leading 8 or 9 is read as +7. */
export function formatPhoneAsTyped(input: string): string {
  let digits = input.replace(/\D/g, '');
  if (digits.startsWith('8') && !input.trim().startsWith('+')) digits = `7${digits.slice(1)}`;
  if (digits.startsWith('9')) digits = `7${digits}`;
  const d = digits.slice(0, 11);
  if (!d.startsWith('7')) return input.startsWith('+') ? `+${digits}` : digits;
  const parts = ['+7', d.slice(1, 4), d.slice(4, 7), d.slice(7, 9), d.slice(9, 11)];
  let out = parts[0]!;
  if (parts[1]) out += ` ${parts[1]}`;
  if (parts[2]) out += ` ${parts[2]}`;
  if (parts[3]) out += `-${parts[3]}`;
  if (parts[4]) out += `-${parts[4]}`;
  return out;
}
