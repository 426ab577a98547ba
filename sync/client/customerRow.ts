import type { CachedCustomer, MonthDay } from '../protocol/schemas';
import type { LocalCustomer } from './records';

/**
 * A customer as one string in the key index. JSON keeps any text safe; the id lives beside
 * the row as the entry's owner, so it is not repeated here. Non-ASCII characters (Cyrillic
 * names) are \u-escaped so the row stays a one-byte string: a page then stores and clones
 * at roughly half the bytes.
 *
 * The birthday is a trailing month * 100 + day (e.g. 315 for 15 March), written only when
 * known: a million rows stay as small as before for customers without one, and rows stored
 * before the field existed (six elements) read as "no birthday".
 */
type Packed = [firstName: string, maskedPhone: string | null, tier: string, balance: number, pending: number, keys: string[], birthday?: number];

export function packCustomer(c: LocalCustomer): string {
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

export function unpackCustomer(id: string, row: string): LocalCustomer {
  const [firstName, maskedPhone, tier, balance, pending, keys, mmdd] = JSON.parse(row) as Packed;
  return { id, firstName, maskedPhone, tier, balance, pending, keys, birthday: unpackBirthday(mmdd) };
}

export function toLocal(c: CachedCustomer, keys: string[]): LocalCustomer {
  return {
    id: c.id,
    firstName: c.firstName,
    maskedPhone: c.maskedPhone,
    tier: c.tier,
    balance: c.balance,
    pending: c.pending,
    keys,
    birthday: c.birthday ?? null,
  };
}
