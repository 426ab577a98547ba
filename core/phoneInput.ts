import { AsYouType, isValidPhoneNumber, parsePhoneNumberWithError } from 'libphonenumber-js/max';

/**
 * A phone as E.164 when the full metadata says it is a real number (not only the right
 * length): +7 000 000-00-00 or a number one digit short is refused. Russian by default, so
 * "8 916 123-45-67" reads as +79161234567.
 */
export function validPhone(text: string): string | null {
  try {
    // "+8 916…" is no country: a leading + means the digits carry their own country code.
    const international = text.trim().startsWith('+');
    if (international ? !isValidPhoneNumber(text) : !isValidPhoneNumber(text, 'RU')) return null;
    return (international ? parsePhoneNumberWithError(text) : parsePhoneNumberWithError(text, 'RU')).number;
  } catch {
    return null;
  }
}

/**
 * The phone field as the person types it, formatted by the library's as-you-type formatter.
 * Russians type "8 916…" as often as "+7 916…": both are read as typed, nothing is glued in front.
 */
export function formatPhoneField(typed: string): string {
  const cleaned = typed.replace(/[^\d+()\-\s]/g, '').slice(0, 24);
  if (!/\d/.test(cleaned)) return cleaned;
  const formatted = new AsYouType('RU').input(cleaned);
  // The formatter may hold back digits it cannot place yet: then show them as typed.
  return formatted.replace(/\D/g, '') === cleaned.replace(/\D/g, '') ? formatted : cleaned;
}
