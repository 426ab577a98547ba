import type { Kopecks } from '../money';
import { DAY_MS, type Programme } from './programme';

/**
 * The bonus ledger as lots: each accrual (or welcome bonus) is a lot with its own dates,
 * frozen when it is made so a later programme version does not move them. A lot is
 * pending until `availableAtMs` (the return window), spendable until `expiresAtMs`,
 * and spent oldest first. Times are epoch milliseconds, always passed in.
 */
export interface Lot {
  id: string;
  /** What the lot was worth when made. */
  amount: Kopecks;
  /** What is left of it. */
  remaining: Kopecks;
  earnedAtMs: number;
  availableAtMs: number;
  expiresAtMs: number;
}

export type LotState = 'pending' | 'available' | 'expired' | 'spent';

/** A new lot with dates from the programme: pending for pendingDays, expiring expiryDays after it was earned. */
export function makeLot(programme: Programme, args: { id: string; amount: Kopecks; earnedAtMs: number; pendingDays?: number }): Lot {
  const pending = args.pendingDays ?? programme.pendingDays;
  return {
    id: args.id,
    amount: args.amount,
    remaining: args.amount,
    earnedAtMs: args.earnedAtMs,
    availableAtMs: args.earnedAtMs + pending * DAY_MS,
    expiresAtMs: args.earnedAtMs + programme.expiryDays * DAY_MS,
  };
}

export function lotState(lot: Lot, nowMs: number): LotState {
  if (nowMs >= lot.expiresAtMs) return 'expired';
  if (lot.remaining === 0) return 'spent';
  if (nowMs < lot.availableAtMs) return 'pending';
  return 'available';
}

/** Bonuses the customer can spend at `nowMs`. */
export function availableBalance(lots: readonly Lot[], nowMs: number): Kopecks {
  let sum = 0;
  for (const l of lots) if (lotState(l, nowMs) === 'available') sum += l.remaining;
  return sum;
}

/** Bonuses earned but still inside the return window at `nowMs`. */
export function pendingBalance(lots: readonly Lot[], nowMs: number): Kopecks {
  let sum = 0;
  for (const l of lots) if (lotState(l, nowMs) === 'pending') sum += l.remaining;
  return sum;
}

/** The next date bonuses burn, and how many: unspent, unexpired lots sharing the earliest expiry. */
export function expiringSoonest(lots: readonly Lot[], nowMs: number): { expiresAtMs: number; amount: Kopecks } | null {
  let best: { expiresAtMs: number; amount: Kopecks } | null = null;
  for (const l of lots) {
    const s = lotState(l, nowMs);
    if (s !== 'available' && s !== 'pending') continue;
    if (!best || l.expiresAtMs < best.expiresAtMs) best = { expiresAtMs: l.expiresAtMs, amount: l.remaining };
    else if (l.expiresAtMs === best.expiresAtMs) best.amount += l.remaining;
  }
  return best;
}

/** Spending order: the lot that expires first, then the one earned first, then by id. */
function spendOrder(a: Lot, b: Lot): number {
  return a.expiresAtMs - b.expiresAtMs || a.earnedAtMs - b.earnedAtMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export interface LotTake {
  lotId: string;
  amount: Kopecks;
}

export type RedemptionOutcome = { ok: true; consumed: LotTake[]; lots: Lot[] } | { ok: false; available: Kopecks; message: string };

/** Spend `amount` from available lots, oldest first. Returns new lots; the input is not changed. */
export function applyRedemption(lots: readonly Lot[], amount: Kopecks, nowMs: number): RedemptionOutcome {
  if (!Number.isSafeInteger(amount) || amount < 0)
    return { ok: false, available: availableBalance(lots, nowMs), message: 'amount must be a whole, non-negative number of kopecks' };
  const available = availableBalance(lots, nowMs);
  if (amount > available) return { ok: false, available, message: `only ${available} kopecks of bonuses are available` };
  const next = lots.map((l) => ({ ...l }));
  const order = next.filter((l) => lotState(l, nowMs) === 'available').sort(spendOrder);
  const consumed: LotTake[] = [];
  let left = amount;
  for (const l of order) {
    if (left === 0) break;
    const take = Math.min(left, l.remaining);
    l.remaining -= take;
    left -= take;
    consumed.push({ lotId: l.id, amount: take });
  }
  return { ok: true, consumed, lots: next };
}

/**
 * Put bonuses back after a return, into the lots they were taken from (so a return never
 * extends a bonus's life), newest-expiring first. `outstanding` is what the sale took and
 * has not had back yet; the result says what is still outstanding after this restore.
 * Bonuses restored into a lot that has since expired stay expired.
 */
export function restoreRedemption(
  lots: readonly Lot[],
  outstanding: readonly LotTake[],
  amount: Kopecks,
): { lots: Lot[]; restored: LotTake[]; outstanding: LotTake[] } {
  let owed = 0;
  for (const t of outstanding) owed += t.amount;
  if (!Number.isSafeInteger(amount) || amount < 0 || amount > owed) {
    throw new RangeError(`cannot restore ${amount} kopecks: ${owed} outstanding`);
  }
  const next = lots.map((l) => ({ ...l }));
  const byId = new Map(next.map((l) => [l.id, l]));
  const left = outstanding.map((t) => ({ ...t }));
  const restored: LotTake[] = [];
  let rest = amount;
  for (let k = left.length - 1; k >= 0 && rest > 0; k--) {
    const t = left[k];
    if (!t) continue;
    const lot = byId.get(t.lotId);
    if (!lot) throw new RangeError(`lot ${t.lotId} is not in the ledger`);
    const give = Math.min(rest, t.amount);
    lot.remaining += give;
    t.amount -= give;
    rest -= give;
    restored.push({ lotId: t.lotId, amount: give });
  }
  return { lots: next, restored, outstanding: left.filter((t) => t.amount > 0) };
}

/**
 * Take back bonuses earned on returned goods from the lot they were credited to. When the
 * lot has already been spent (only possible after the return window), the rest is reported
 * as `shortfall` for the server to settle; the engine does not push balances negative.
 */
export function reverseAccrual(lots: readonly Lot[], lotId: string, amount: Kopecks): { lots: Lot[]; reversed: Kopecks; shortfall: Kopecks } {
  const next = lots.map((l) => ({ ...l }));
  const lot = next.find((l) => l.id === lotId);
  if (!lot) throw new RangeError(`lot ${lotId} is not in the ledger`);
  const reversed = Math.min(amount, lot.remaining);
  lot.remaining -= reversed;
  lot.amount -= reversed;
  return { lots: next, reversed, shortfall: amount - reversed };
}
