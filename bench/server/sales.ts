import type { KeyCost } from '../../core/lookupKey';
import type { TillEvent } from '../../sync/protocol/events';
import { demoBalance, demoCardNumber } from '../../sync/server/demoSeed';
import { line, sale } from '../../sync/server/testing/events';
import { seededRandom } from '../../sync/testing/prng';

/**
 * The demo customers' phone keys at Argon2's least cost: the push never computes one, and keying
 * 10,000 phones at the demo's cost takes minutes on a busy two-core machine.
 */
export const BENCH_KEY_COST: KeyCost = { memoryKiB: 8, iterations: 1 };

/**
 * Sales as the benches push them, priced by the till's engine: 1-4 demo products, 9 in 10 with
 * one of the demo customers 1..`customers` (the till believing their seeded balance), a third
 * of those spending up to `maxRedeem` kopecks of bonuses, each identified by their loyalty card.
 * The same seed makes the same sales.
 */
export function benchSales(seed: number, customers: number, maxRedeem: number): (storeId: number) => TillEvent {
  const random = seededRandom(seed);
  return (storeId) => {
    const n = 1 + Math.floor(random() * customers);
    const products = [...new Set(Array.from({ length: 1 + Math.floor(random() * 4) }, () => 1 + Math.floor(random() * 299)))];
    const withCard = random() < 0.9;
    return sale({
      storeId,
      customerId: withCard ? String(n) : null,
      available: withCard ? demoBalance(n) : 0,
      lines: products.map((p) => line(p, 1 + Math.floor(random() * 3), storeId)),
      redeem: withCard && random() < 0.33 ? 1 + Math.floor(random() * maxRedeem) : 0,
      // As a current till says it: the card scanned (the server checks it is this customer's).
      ...(withCard ? { identity: { via: 'card' as const, card: demoCardNumber(n) } } : {}),
    }).event;
  };
}
