import type { CachedCustomer, CustomerPage } from '../../sync/protocol/schemas';

/** Deterministic bench customers: every key can be rebuilt from the customer number for lookups. */
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const NAMES = ['Анна', 'Мария', 'Елена', 'Ольга', 'Александр', 'Сергей', 'Дмитрий', 'Андрей', 'Иван', 'Михаил'];

/** 22 base64url characters, like a 128-bit keyed hash. */
function pseudoHash(n: number, salt: number): string {
  let h = (Math.imul(n, 2654435761) ^ salt) >>> 0;
  let s = '';
  for (let i = 0; i < 22; i++) {
    h = Math.imul(h ^ (h >>> 15), 2246822507) >>> 0;
    h = (h ^ (h >>> 13) ^ i) >>> 0;
    s += B64[h & 63];
  }
  return s;
}

export const cardOf = (n: number): string => `27${String(n).padStart(10, '0')}${n % 10}`;
export const phoneKeyOf = (n: number): string => pseudoHash(n, 0x5bd1e995);
/** One customer in five has paid with a bank card. */
export const hasBank = (n: number): boolean => n % 5 === 0;
export const bankKeyOf = (n: number): string => pseudoHash(n, 0x1b873593);

export function benchCustomer(n: number): CachedCustomer {
  return {
    id: String(n),
    firstName: NAMES[n % NAMES.length]!,
    maskedPhone: `+7 *** ***-${String(n % 100).padStart(2, '0')}-${String((n >> 7) % 100).padStart(2, '0')}`,
    tier: n % 10 === 0 ? 'gold' : 'base',
    balance: (n * 7919) % 500_000,
    pending: n % 7 === 0 ? 1500 : 0,
    cards: [cardOf(n)],
    phoneKey: phoneKeyOf(n),
    bankKeys: hasBank(n) ? [bankKeyOf(n)] : [],
    deleted: false,
  };
}

export function benchPage(from: number, size: number, total: number): CustomerPage {
  const to = Math.min(total, from + size - 1);
  const items = Array.from({ length: to - from + 1 }, (_, i) => benchCustomer(from + i));
  return { collection: 'customers', items, cursor: String(to), hasMore: to < total, remaining: total - to };
}
