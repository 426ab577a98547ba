import { describe, expect, it } from 'vitest';
import { indexOffers } from '../engine';
import { demoProgramme, member, offers } from '../engine/testkit';
import fc from 'fast-check';
import { closestUpsell, expiryPrompt } from './prompts';

const programme = demoProgramme();
const index = indexOffers(
  offers([
    {
      id: 'x2-1500',
      name: { ru: 'удвоенных бонусов', en: 'double bonuses' },
      conditions: { minReceiptKopecks: 150_000 },
      effect: { type: 'accrualMultiplier', percent: 200 },
    },
    {
      id: 'fifty-1000',
      name: { ru: '50 бонусов', en: '50 bonuses' },
      conditions: { minReceiptKopecks: 100_000 },
      effect: { type: 'fixedBonus', amountKopecks: 5_000 },
      limit: { perCustomer: 1 },
    },
    {
      id: 'gold-only',
      name: { ru: 'Золото', en: 'Gold' },
      audience: { tiers: ['gold'] },
      conditions: { minReceiptKopecks: 90_000 },
      effect: { type: 'extraAccrual', basisPoints: 100 },
    },
  ]),
);
const sale = (usage: Record<string, number> = {}) => ({
  customer: member(),
  store: { id: '1', regionId: '1' },
  at: { kind: 'local' as const, year: 2025, month: 3, day: 12, hour: 12, minute: 0 },
  usage,
});

describe('upsell prompt', () => {
  it('names the offer the basket is nearest to, and how much is missing', () => {
    expect(closestUpsell(programme, index, sale(), 85_000)).toEqual({
      offerId: 'fifty-1000',
      name: { ru: '50 бонусов', en: '50 bonuses' },
      shortfallKopecks: 15_000,
    });
  });

  it('skips offers already reached, used up, or not for this customer', () => {
    expect(closestUpsell(programme, index, sale(), 120_000)?.offerId).toBe('x2-1500');
    expect(closestUpsell(programme, index, sale({ 'fifty-1000': 1 }), 85_000)?.shortfallKopecks).toBe(65_000);
    expect(closestUpsell(programme, index, sale(), 200_000)).toBeNull();
  });
});

describe('expiryPrompt', () => {
  const DAY = 86_400_000;
  const now = 1_000 * DAY;
  it('warns within the window, not before it, not after the bonuses burnt, not when turned off', () => {
    expect(expiryPrompt({ amountKopecks: 30_000, atMs: now + 5 * DAY }, now, 14)).toEqual({ amountKopecks: 30_000, atMs: now + 5 * DAY });
    expect(expiryPrompt({ amountKopecks: 30_000, atMs: now + 14 * DAY }, now, undefined)).not.toBeNull();
    expect(expiryPrompt({ amountKopecks: 30_000, atMs: now + 15 * DAY }, now, undefined)).toBeNull();
    expect(expiryPrompt({ amountKopecks: 30_000, atMs: now + 20 * DAY }, now, 30)).not.toBeNull();
    expect(expiryPrompt({ amountKopecks: 30_000, atMs: now }, now, 14)).toBeNull();
    expect(expiryPrompt({ amountKopecks: 30_000, atMs: now + DAY }, now, 0)).toBeNull();
    expect(expiryPrompt({ amountKopecks: 0, atMs: now + DAY }, now, 14)).toBeNull();
    expect(expiryPrompt(null, now, 14)).toBeNull();
  });
  it('is shown exactly when the bonuses burn after now and within the days (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: -5 * DAY, max: 400 * DAY }),
        fc.integer({ min: 0, max: 365 }),
        (amount, offset, days) => {
          const p = expiryPrompt({ amountKopecks: amount, atMs: now + offset }, now, days);
          expect(p !== null).toBe(amount > 0 && days > 0 && offset > 0 && offset <= days * DAY);
          if (p) expect(p.amountKopecks).toBe(amount);
        },
      ),
    );
  });
});
