import type { CachedCustomer } from '../protocol/schemas';
import { packRow, unpackRow } from '../protocol/snapshotRow';
import type { LocalCustomer } from './records';

/** A customer as one string in the key index: the snapshot's row format (sync/protocol/snapshotRow.ts). */
export function packCustomer(c: LocalCustomer): string {
  return packRow(c);
}

export function unpackCustomer(id: string, row: string): LocalCustomer {
  return { id, ...unpackRow(row) };
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
