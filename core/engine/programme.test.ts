import { describe, it, expect } from 'vitest';
import { parseProgramme, rollingSpend, tierForSpend, DAY_MS } from './programme';
import { DEMO_PROGRAMME, demoProgramme } from './testkit';

const tiers = DEMO_PROGRAMME.tiers;

describe('parseProgramme', () => {
  it('fills the documented defaults', () => {
    const r = parseProgramme(DEMO_PROGRAMME);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({
      bonusUnitKopecks: 100,
      tierPeriodDays: 365,
      pendingDays: 14,
      expiryDays: 365,
      welcomeBonusKopecks: 0,
      offlineAllowanceKopecks: 50_000,
      excludedCategories: ['tobacco'],
      redemption: { maxShareBasisPoints: 3_000, minPayPerLineKopecks: 100, redeemedPartEarns: false },
    });
  });

  it.each([
    ['a rate over 100 %', { tiers: [tiers[0], { ...tiers[1], accrualBasisPoints: 10_001 }] }, 'tiers.1.accrualBasisPoints'],
    ['a fractional rate', { tiers: [{ ...tiers[0], accrualBasisPoints: 2.5 }] }, 'tiers.0.accrualBasisPoints'],
    ['no tiers', { tiers: [] }, 'tiers'],
    ['a first tier above 0', { tiers: [{ ...tiers[0], minSpendKopecks: 1 }] }, 'tiers.0.minSpendKopecks'],
    ['thresholds out of order', { tiers: [tiers[0], tiers[2], tiers[1]] }, 'tiers.2.minSpendKopecks'],
    ['a duplicate tier id', { tiers: [tiers[0], { ...tiers[1], id: 'bronze' }] }, 'tiers.1.id'],
    ['tobacco not excluded', { excludedCategories: ['alcohol'] }, 'excludedCategories'],
    ['expiry inside the return window', { pendingDays: 30, expiryDays: 30 }, 'expiryDays'],
    ['a cap over 100 %', { redemption: { maxShareBasisPoints: 12_000 } }, 'redemption.maxShareBasisPoints'],
    ['a negative line minimum', { redemption: { minPayPerLineKopecks: -1 } }, 'redemption.minPayPerLineKopecks'],
    ['money as a float', { welcomeBonusKopecks: 10.5 }, 'welcomeBonusKopecks'],
    ['a missing id', { id: undefined }, 'id'],
    ['bonuses on the fiscal receipt neither a discount nor a payment', { fiscalBonuses: 'other' }, 'fiscalBonuses'],
  ])('rejects %s, naming %s', (_label, patch, path) => {
    const r = parseProgramme({ ...DEMO_PROGRAMME, ...patch });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.path)).toContain(path);
    expect(r.errors.every((e) => e.message.length > 0)).toBe(true);
  });

  it("leaves the fiscal receipt's bonuses to the till until the chain chooses, then keeps the choice", () => {
    const r = parseProgramme(DEMO_PROGRAMME);
    expect(r.ok && r.value.fiscalBonuses).toBeUndefined();
    expect(demoProgramme({ fiscalBonuses: 'otherPayment' }).fiscalBonuses).toBe('otherPayment');
    expect(demoProgramme({ fiscalBonuses: 'discount' }).fiscalBonuses).toBe('discount');
  });

  it('rejects something that is not a programme at all', () => {
    expect(parseProgramme('nope')).toEqual({ ok: false, errors: [{ path: '(root)', message: expect.any(String) }] });
  });

  it('keeps other excluded categories next to tobacco', () => {
    const p = demoProgramme({ excludedCategories: ['tobacco', 'gift-cards'] });
    expect(p.excludedCategories).toEqual(['tobacco', 'gift-cards']);
  });
});

describe('tierForSpend', () => {
  const p = demoProgramme();
  it.each([
    [0, 'bronze'],
    [4_999_999, 'bronze'],
    [5_000_000, 'silver'],
    [14_999_999, 'silver'],
    [15_000_000, 'gold'],
    [1_000_000_000, 'gold'],
  ])('rolling spend %i kopecks is %s', (spend, tier) => {
    expect(tierForSpend(p, spend).id).toBe(tier);
  });
});

describe('rollingSpend', () => {
  const now = Date.UTC(2025, 2, 12);
  it('counts the period before now, returns included, nothing older or later', () => {
    const purchases = [
      { atMs: now - 400 * DAY_MS, loyaltySpend: 1_000_000 }, // too old
      { atMs: now - 364 * DAY_MS, loyaltySpend: 200_000 },
      { atMs: now - 10 * DAY_MS, loyaltySpend: 50_000 },
      { atMs: now - 5 * DAY_MS, loyaltySpend: -20_000 }, // a return
      { atMs: now, loyaltySpend: 7 },
      { atMs: now + 1, loyaltySpend: 999 }, // after now
    ];
    expect(rollingSpend(purchases, now, 365)).toBe(230_007);
  });
});
