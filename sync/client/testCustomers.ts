import type { CachedCustomer, CustomerPage } from '../protocol/schemas';

/** Test data for the cache: a customer with the given keys (card numbers, phone and bank hashes). */
export function customer(id: string | number, over: Partial<CachedCustomer> = {}): CachedCustomer {
  const n = Number(id);
  return {
    id: String(id),
    firstName: `Имя ${id}`,
    maskedPhone: `+7 *** ***-${String(n % 100).padStart(2, '0')}-00`,
    tier: 'base',
    balance: n * 100,
    pending: 0,
    cards: [`27${String(n).padStart(11, '0')}`],
    phoneKey: `phonehash${String(n).padStart(12, '0')}`,
    bankKeys: [],
    deleted: false,
    ...over,
  };
}

export function page(items: CachedCustomer[], cursor: number, remaining = 0): CustomerPage {
  return { collection: 'customers', items, cursor: String(cursor), hasMore: remaining > 0, remaining };
}
