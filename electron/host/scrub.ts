/**
 * Scrubbing for text the host keeps in its log or hands to IT: personal data and secrets
 * never leave the till in a log file.
 *
 * - any run of 12 or more digits, single spaces or hyphens between them (a card number,
 *   printed or typed) -> [redacted];
 * - anything phone-like: 10 or more digits with spaces, hyphens or parentheses between
 *   them, with or without a leading + (8 916 000-00-42, +7 (916) 000-00-42, 89160000042) -> [redacted];
 * - the value after "Bearer", and after token/secret/password/authorization keys -> [secret];
 * - every secret the host knows (the terminal token, the lookup secret) wherever it appears -> [secret].
 *
 * Dots and colons are not separators, so versions, IP addresses, ports and ISO times stay
 * readable. Shorter numbers (counts, ports, milliseconds) are kept. The phone rule covers
 * the card rule too; both run, so each stays true on its own.
 */
export const REDACTED = '[redacted]';
export const SECRET = '[secret]';

const LONG_DIGIT_RUN = /\d(?:[ -]?\d){11,}/g;
const PHONE_LIKE = /\+?\(?\d(?:[ ()-]{0,3}\d){9,}/g;
const BEARER = /\b(bearer\s+)[A-Za-z0-9._~+/=-]+/gi;
const SECRET_KEY_VALUE = /((?:token|secret|password|passwd|authorization|api[_-]?key)["']?\s*[:=]\s*["']?)(?!\[secret\])[^\s"',;}]+/gi;

/** Secrets shorter than this are not searched for verbatim: they would match ordinary text. */
const MIN_SECRET_LENGTH = 8;

/**
 * Dates and times (2025-01-15, 2025-01-15T10:30:00.123Z, 2025-01-15 10:30) are set aside
 * before the digit rules run, so that a number next to a timestamp does not make it "phone-like".
 */
const DATE_TIME = /(?<!\d)(?:19|20)\d\d-[01]\d-[0-3]\d(?:[T ][0-2]\d:[0-5]\d(?::[0-5]\d(?:\.\d{1,6})?)?(?:Z|[+-][0-2]\d:?[0-5]\d)?)?(?!\d)/g;
/** Placeholder for a set-aside date: private-use characters and letters, no digits. */
const HOLD = /\uE000([a-z]+)\uE001/g;
const holdKey = (i: number) => i.toString(26).replace(/[0-9]/g, (d) => String.fromCharCode(0x71 + Number(d)));
const holdIndex = (key: string) =>
  parseInt(
    key.replace(/[q-z]/g, (c) => String(c.charCodeAt(0) - 0x71)),
    26,
  );

export function scrubText(text: string, secrets: Iterable<string> = []): string {
  let out = text.replace(/[\uE000\uE001]/g, '');
  for (const s of secrets) {
    if (s.length >= MIN_SECRET_LENGTH) out = out.split(s).join(SECRET);
  }
  const held: string[] = [];
  out = out
    .replace(BEARER, `$1${SECRET}`)
    .replace(SECRET_KEY_VALUE, `$1${SECRET}`)
    .replace(DATE_TIME, (d) => `\uE000${holdKey(held.push(d) - 1)}\uE001`)
    .replace(PHONE_LIKE, REDACTED)
    .replace(LONG_DIGIT_RUN, REDACTED);
  return out.replace(HOLD, (_m, key: string) => held[holdIndex(key)] ?? '');
}
