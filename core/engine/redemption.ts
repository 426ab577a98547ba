import type { Kopecks } from '../money';
import type { RedemptionRules } from './programme';
import { allocateKopecks, percentOfFast } from './alloc';
import type { RedemptionLimit } from './explain';

/**
 * How many bonuses a receipt can take, and which limit binds.
 *
 * maxRedeemable = min(wallet, share cap, line capacity), where
 * - wallet: online, the customer's available balance; offline, min(balance, offline
 *   allowance). The allowance is what this customer may still spend at this till until it
 *   reconnects, so tills that cannot see each other overspend by at most one allowance each.
 * - share cap: maxShareBasisPoints of the eligible lines' net (after discounts; excluded
 *   categories neither count toward it nor take bonuses);
 * - line capacity: sum over eligible lines of max(0, net - minPayPerLineKopecks).
 */
export interface RedemptionCaps {
  wallet: Kopecks;
  share: Kopecks;
  lineCapacity: Kopecks;
  max: Kopecks;
  /** The limit that set `max` (the first of wallet, share, line minimum on ties). */
  limit: RedemptionLimit;
}

export function redemptionCaps(args: {
  balance: Kopecks | null;
  online: boolean;
  offlineAllowance: Kopecks;
  eligibleNet: Kopecks;
  capacities: readonly Kopecks[];
  rules: RedemptionRules;
}): RedemptionCaps {
  if (args.balance === null) return { wallet: 0, share: 0, lineCapacity: 0, max: 0, limit: 'noCustomer' };
  const offlineBinds = !args.online && args.offlineAllowance < args.balance;
  const wallet = offlineBinds ? args.offlineAllowance : args.balance;
  const share = percentOfFast(args.eligibleNet, args.rules.maxShareBasisPoints);
  let lineCapacity = 0;
  for (const c of args.capacities) lineCapacity += c;
  const max = Math.min(wallet, share, lineCapacity);
  const limit: RedemptionLimit = max === wallet ? (offlineBinds ? 'offlineAllowance' : 'balance') : max === share ? 'receiptShare' : 'lineMinimum';
  return { wallet, share, lineCapacity, max, limit };
}

/** What each line can take in bonuses while keeping its minimum to pay. */
export function lineCapacity(net: Kopecks, rules: RedemptionRules): Kopecks {
  return Math.max(0, net - rules.minPayPerLineKopecks);
}

/**
 * Spread `amount` over lines in proportion to their capacity (largest remainder, so the
 * parts sum to `amount` exactly). Weighting by capacity rather than price means no line
 * is ever pushed below its minimum: with amount <= sum(capacity), part <= capacity.
 */
export function allocateRedemption(amount: Kopecks, capacities: readonly Kopecks[]): Kopecks[] {
  if (amount === 0) return capacities.map(() => 0);
  return allocateKopecks(amount, capacities);
}
