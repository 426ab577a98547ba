import type { CachedCustomer } from '../protocol/schemas';
import type { LocalCustomer } from './tillDb';

/**
 * A customer as one string in the key index. JSON keeps any text safe; the id lives beside
 * the row as the entry's owner, so it is not repeated here. Non-ASCII characters (Cyrillic
 * names) are \u-escaped so the row stays a one-byte string: a page then stores and clones
 * at roughly half the bytes.
 */
type Packed = [firstName: string, maskedPhone: string | null, tier: string, balance: number, pending: number, keys: string[]];

export function packCustomer(c: LocalCustomer): string {
  const packed: Packed = [c.firstName, c.maskedPhone, c.tier, c.balance, c.pending, c.keys];
  return JSON.stringify(packed).replace(/[\u0080-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function unpackCustomer(id: string, row: string): LocalCustomer {
  const [firstName, maskedPhone, tier, balance, pending, keys] = JSON.parse(row) as Packed;
  return { id, firstName, maskedPhone, tier, balance, pending, keys };
}

export function toLocal(c: CachedCustomer, keys: string[]): LocalCustomer {
  return { id: c.id, firstName: c.firstName, maskedPhone: c.maskedPhone, tier: c.tier, balance: c.balance, pending: c.pending, keys };
}
