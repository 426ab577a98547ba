import type { KeyCost } from '../../core/lookupKey';
import type { TillEvent } from '../../sync/protocol/events';
import { DEMO_PROGRAMME, demoBalance, demoBirthday, demoCardNumber, demoTier } from '../../sync/server/demoSeed';
import { line, sale } from '../../sync/server/testing/events';
import { seededRandom } from '../../sync/testing/prng';

/**
 * The demo customers' phone keys at Argon2's least cost: the push never computes one, and keying
 * 10,000 phones at the demo's cost takes minutes on a busy two-core machine.
 */
export const BENCH_KEY_COST: KeyCost = { memoryKiB: 8, iterations: 1 };

/**
 * Sales as the benches push them, priced by the till's engine: 1-4 demo products, 9 in 10 with
 * one of the demo customers 1..`customers`, a third of those spending up to `maxRedeem` kopecks
 * of bonuses, each identified by their loyalty card. The till knows each customer as a synced
 * till does (tier, birthday, purchases, spend in the tier period, balance less what it spent),
 * from the seed and the sales made before: so its pricing agrees with the server's, as an online
 * till's does, where the sales are pushed in the order they were made. (Pricing every customer
 * as a new base-tier one made a third of the sales price differences, each an exceptions row.)
 * The same seed makes the same sales.
 */
export function benchSales(seed: number, customers: number, maxRedeem: number): (storeId: number) => TillEvent {
  const random = seededRandom(seed);
  const known = new Map<number, { purchases: number; spend: number; spent: number }>();
  const floorOf = (n: number) => DEMO_PROGRAMME.tiers.find((t) => t.id === demoTier(n))?.minSpendKopecks ?? 0;
  return (storeId) => {
    const n = 1 + Math.floor(random() * customers);
    const products = [...new Set(Array.from({ length: 1 + Math.floor(random() * 4) }, () => 1 + Math.floor(random() * 299)))];
    const withCard = random() < 0.9;
    const lines = products.map((p) => line(p, 1 + Math.floor(random() * 3), storeId));
    const redeem = withCard && random() < 0.33 ? 1 + Math.floor(random() * maxRedeem) : 0;
    if (!withCard) return sale({ storeId, customerId: null, available: 0, lines, redeem }).event;
    const k = known.get(n) ?? { purchases: 0, spend: 0, spent: 0 };
    const birthday = demoBirthday(n);
    const { event, priced } = sale({
      storeId,
      customerId: String(n),
      available: Math.max(0, demoBalance(n) - k.spent),
      rollingSpend: Math.max(k.spend, floorOf(n)),
      purchaseCount: k.purchases,
      birthday: birthday && { month: birthday.month, day: birthday.day },
      lines,
      redeem,
      // As a current till says it: the card scanned (the server checks it is this customer's).
      identity: { via: 'card' as const, card: demoCardNumber(n) },
    });
    known.set(n, { purchases: k.purchases + 1, spend: k.spend + priced.totals.eligibleNet, spent: k.spent + priced.totals.redeemed });
    return event;
  };
}
