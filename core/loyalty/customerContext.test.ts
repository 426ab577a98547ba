import { describe, expect, it } from 'vitest';
import { demoProgramme, offers } from '../engine/testkit';
import { effectiveContext, liveUses, usageAt, type ServerContext } from './customerContext';

const programme = demoProgramme();
const DAY = 86_400_000;
const limited = offers([
  {
    id: 'birthday-once',
    name: { ru: 'День рождения', en: 'Birthday' },
    effect: { type: 'extraAccrual', basisPoints: 500 },
    limit: { perCustomer: 1, periodDays: 365 },
  },
  { id: 'first-ever', name: { ru: 'Один раз', en: 'Once' }, effect: { type: 'extraAccrual', basisPoints: 100 }, limit: { perCustomer: 1 } },
]);
const server: ServerContext = {
  customerId: '7',
  tier: 'bronze',
  segments: ['sleeping'],
  purchaseCount: 2,
  spendKopecks: 4_900_000,
  asOfMs: 400 * DAY,
  uses: [{ offerId: 'birthday-once', atMs: 100 * DAY, eventId: 'e1' }],
  recentEventIds: ['e2'],
};

describe('customer context at the till', () => {
  it('adds this till’s sales the server has not counted, once each, and lifts the tier as the server would', () => {
    const c = effectiveContext(programme, server, [
      // Already in the server's figures: counts nothing twice.
      { eventId: 'e2', customerId: '7', atMs: 390 * DAY, offerIds: [], eligibleNet: 50_000 },
      { eventId: 'e3', customerId: '7', atMs: 401 * DAY, offerIds: ['first-ever'], eligibleNet: 200_000 },
    ]);
    expect(c.purchaseCount).toBe(3);
    expect(c.spendKopecks).toBe(5_100_000);
    expect(c.tier).toBe('silver');
    expect(c.segments).toEqual(['sleeping']);
    expect(usageAt(c, limited, 402 * DAY)).toEqual({ 'birthday-once': 1, 'first-ever': 1 });
    // A year after the birthday use its period has passed; a use for life never does.
    expect(usageAt(c, limited, 500 * DAY)).toEqual({ 'birthday-once': 0, 'first-ever': 1 });
  });

  it('a customer the server sent nothing for is a first-time buyer on the cached tier', () => {
    expect(effectiveContext(programme, null, [], 'silver')).toEqual({ tier: 'silver', segments: [], purchaseCount: 0, spendKopecks: 0, uses: [] });
    const after = effectiveContext(programme, null, [{ eventId: 'x', customerId: '9', atMs: 0, offerIds: [], eligibleNet: 100 }], null);
    expect(after.purchaseCount).toBe(1);
  });

  it('keeps only uses still inside their period, of offers that still have a limit', () => {
    const uses = [
      { offerId: 'birthday-once', atMs: 10 * DAY, eventId: 'a' },
      { offerId: 'birthday-once', atMs: 300 * DAY, eventId: 'b' },
      { offerId: 'first-ever', atMs: 1 * DAY, eventId: 'c' },
      { offerId: 'gone', atMs: 300 * DAY, eventId: 'd' },
    ];
    expect(liveUses(uses, limited, 400 * DAY).map((u) => u.eventId)).toEqual(['b', 'c']);
  });
});
