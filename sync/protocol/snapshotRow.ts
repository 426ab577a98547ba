import type { CachedCustomer, MonthDay } from './schemas';

/**
 * A customer as one string in the till's key index and in a snapshot page. It is the wire
 * format of the snapshot, so the server writes rows the till reads without converting.
 * JSON keeps any text safe; the id lives beside the row as the entry's owner. Non-ASCII
 * characters (Cyrillic names) are \u-escaped so the row stays a one-byte string: a page then
 * stores and clones at roughly half the bytes.
 *
 * The birthday is a trailing month * 100 + day (e.g. 315 for 15 March), written only when
 * known; rows without it (six elements) read as "no birthday".
 */
/** What a row holds: the cached customer's display fields and its lookup keys. */
export type RowFields = Pick<CachedCustomer, 'firstName' | 'maskedPhone' | 'tier' | 'balance' | 'pending' | 'birthday'> & { keys: string[] };

type Packed = [firstName: string, maskedPhone: string | null, tier: string, balance: number, pending: number, keys: string[], birthday?: number];

export function packRow(c: RowFields): string {
  const packed: Packed = [c.firstName, c.maskedPhone, c.tier, c.balance, c.pending, c.keys];
  if (c.birthday) packed.push(c.birthday.month * 100 + c.birthday.day);
  return JSON.stringify(packed).replace(/[\u0080-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function unpackBirthday(mmdd: unknown): MonthDay | null {
  if (typeof mmdd !== 'number' || !Number.isInteger(mmdd)) return null;
  const month = Math.floor(mmdd / 100);
  const day = mmdd % 100;
  return month >= 1 && month <= 12 && day >= 1 && day <= 31 ? { month, day } : null;
}

export function unpackRow(row: string): RowFields & { birthday: MonthDay | null } {
  const [firstName, maskedPhone, tier, balance, pending, keys, mmdd] = JSON.parse(row) as Packed;
  return { firstName, maskedPhone, tier, balance, pending, keys, birthday: unpackBirthday(mmdd) };
}

/** The lookup keys a customer is found by at the till. */
export function identifierKeys(c: Pick<CachedCustomer, 'cards' | 'phoneKey' | 'bankKeys'>): string[] {
  return [...c.cards.map((n) => `card:${n}`), ...(c.phoneKey ? [`phone:${c.phoneKey}`] : []), ...c.bankKeys.map((k) => `bank:${k}`)];
}

/** Keys and owners must be non-empty and free of the column separator; rows are JSON, which escapes it. */
export function storable(s: string): boolean {
  return s !== '' && !s.includes('\n');
}
