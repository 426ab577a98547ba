import { describe, it, expect } from 'vitest';
import { applyRedemption, availableBalance, expiringSoonest, lotState, makeLot, pendingBalance, restoreRedemption, reverseAccrual, type Lot } from './lots';
import { demoProgramme } from './testkit';

const DAY = 86_400_000;
const T0 = Date.UTC(2025, 0, 1);
const p = demoProgramme({ expiryDays: 90 });

// Worked example 12 in docs/loyalty-rules.md: pending 14 days, expiry 90 days.
const jan1 = makeLot(p, { id: 'jan1', amount: 10_000, earnedAtMs: T0 });
const feb1 = makeLot(p, { id: 'feb1', amount: 5_000, earnedAtMs: T0 + 31 * DAY });
const mar5 = makeLot(p, { id: 'mar5', amount: 2_000, earnedAtMs: T0 + 63 * DAY });
const lots: Lot[] = [mar5, feb1, jan1];
const mar10 = T0 + 68 * DAY;

describe('lot dates', () => {
  it('are frozen at creation from the programme', () => {
    expect(jan1).toEqual({ id: 'jan1', amount: 10_000, remaining: 10_000, earnedAtMs: T0, availableAtMs: T0 + 14 * DAY, expiresAtMs: T0 + 90 * DAY });
    expect(mar5).toMatchObject({ availableAtMs: Date.UTC(2025, 2, 19), expiresAtMs: Date.UTC(2025, 5, 3) });
    expect(feb1.expiresAtMs).toBe(Date.UTC(2025, 4, 2));
    expect(makeLot(p, { id: 'w', amount: 1, earnedAtMs: T0, pendingDays: 0 }).availableAtMs).toBe(T0);
  });

  it.each([
    [T0 + 14 * DAY - 1, 'pending'],
    [T0 + 14 * DAY, 'available'],
    [T0 + 90 * DAY - 1, 'available'],
    [T0 + 90 * DAY, 'expired'],
  ] as const)('at %i the lot is %s', (now, state) => {
    expect(lotState(jan1, now)).toBe(state);
  });
});

describe('balances on 10 March', () => {
  it('splits available, pending and what burns first', () => {
    expect(availableBalance(lots, mar10)).toBe(15_000);
    expect(pendingBalance(lots, mar10)).toBe(2_000);
    expect(expiringSoonest(lots, mar10)).toEqual({ expiresAtMs: T0 + 90 * DAY, amount: 10_000 });
  });

  it('after 1 April the January lot has expired', () => {
    const apr1 = T0 + 90 * DAY;
    expect(availableBalance(lots, apr1)).toBe(7_000);
    expect(expiringSoonest(lots, apr1)).toEqual({ expiresAtMs: T0 + 121 * DAY, amount: 5_000 });
  });

  it('nothing burns when nothing is left', () => {
    expect(expiringSoonest([], mar10)).toBeNull();
  });
});

describe('spending and giving back', () => {
  it('spends the oldest lot first and skips pending lots', () => {
    const r = applyRedemption(lots, 12_000, mar10);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.consumed).toEqual([
      { lotId: 'jan1', amount: 10_000 },
      { lotId: 'feb1', amount: 2_000 },
    ]);
    expect(availableBalance(r.lots, mar10)).toBe(3_000);
    expect(pendingBalance(r.lots, mar10)).toBe(2_000);
    expect(lots[2]?.remaining).toBe(10_000); // the input is not changed
  });

  it('refuses to spend more than is available', () => {
    expect(applyRedemption(lots, 15_001, mar10)).toEqual({ ok: false, available: 15_000, message: expect.stringContaining('15000') });
  });

  it('gives back into the same lots, latest-expiring first, and tracks what is still owed', () => {
    const spent = applyRedemption(lots, 12_000, mar10);
    if (!spent.ok) throw new Error('unexpected');
    const first = restoreRedemption(spent.lots, spent.consumed, 3_000);
    expect(first.restored).toEqual([
      { lotId: 'feb1', amount: 2_000 },
      { lotId: 'jan1', amount: 1_000 },
    ]);
    expect(first.outstanding).toEqual([{ lotId: 'jan1', amount: 9_000 }]);
    const second = restoreRedemption(first.lots, first.outstanding, 9_000);
    expect(second.outstanding).toEqual([]);
    expect(second.lots).toEqual(lots);
    expect(() => restoreRedemption(second.lots, second.outstanding, 1)).toThrow(RangeError);
  });

  it('takes back accrual from its lot and reports what was already spent', () => {
    const r = reverseAccrual(lots, 'mar5', 500);
    expect(r.reversed).toBe(500);
    expect(r.shortfall).toBe(0);
    expect(r.lots.find((l) => l.id === 'mar5')).toMatchObject({ amount: 1_500, remaining: 1_500 });
    const spentLot = [{ ...mar5, remaining: 300 }];
    expect(reverseAccrual(spentLot, 'mar5', 500)).toMatchObject({ reversed: 300, shortfall: 200 });
  });
});
