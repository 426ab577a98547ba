import { parsePhoneNumberFromString } from 'libphonenumber-js/min';

export type PhoneResult =
  | { ok: true; e164: string }
  | { ok: false; reason: 'empty' | 'invalid' };

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

/** "+79161234567" -> "+7 *** ***-45-67": enough for the customer to recognise, not to reuse. */
export function maskPhone(e164: string): string {
  const digits = e164.replace(/\D/g, '');
  if (digits.length < 4) return '***';
  const last4 = digits.slice(-4);
  const country = e164.startsWith('+7') ? '+7' : `+${digits.slice(0, Math.max(1, digits.length - 10))}`;
  return `${country} *** ***-${last4.slice(0, 2)}-${last4.slice(2)}`;
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
