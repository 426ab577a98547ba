import Dexie, { type Table } from 'dexie';
import type { CachedCustomer, CustomerPage } from '../../sync/protocol/schemas';
import { identifierKeys, type LocalCustomer } from '../../sync/client/tillDb';

/** The v1 layout this change replaces (one customer row + one identifier row per key), kept here only to measure it. */
export class PerRecordDb extends Dexie {
  customers!: Table<LocalCustomer, string>;
  identifiers!: Table<{ key: string; customerId: string }, string>;
  syncState!: Table<{ collection: string; cursor: string }, string>;
  constructor(name: string) {
    super(name, { chromeTransactionDurability: 'strict' });
    this.version(1).stores({ customers: 'id', identifiers: 'key, customerId', syncState: 'collection' });
  }
}

export async function storePerRecord(db: PerRecordDb, page: CustomerPage): Promise<void> {
  await db.transaction('rw', db.customers, db.identifiers, db.syncState, async () => {
    const previous = await db.customers.bulkGet(page.items.map((c) => c.id));
    const stale: string[] = [];
    const customers: LocalCustomer[] = [];
    const identifiers: { key: string; customerId: string }[] = [];
    page.items.forEach((c: CachedCustomer, i) => {
      const keys = c.deleted ? [] : identifierKeys(c);
      const old = previous[i];
      if (old) stale.push(...old.keys.filter((k) => !keys.includes(k)));
      if (c.deleted) return;
      customers.push({ id: c.id, firstName: c.firstName, maskedPhone: c.maskedPhone, tier: c.tier, balance: c.balance, pending: c.pending, keys });
      keys.forEach((key) => identifiers.push({ key, customerId: c.id }));
    });
    if (stale.length) await db.identifiers.bulkDelete(stale);
    await db.customers.bulkPut(customers);
    await db.identifiers.bulkPut(identifiers);
    await db.syncState.put({ collection: 'customers', cursor: page.cursor });
  });
}

export async function findPerRecord(db: PerRecordDb, key: string): Promise<LocalCustomer | undefined> {
  return db.transaction('r', db.customers, db.identifiers, async () => {
    const id = await db.identifiers.get(key);
    return id ? db.customers.get(id.customerId) : undefined;
  });
}
