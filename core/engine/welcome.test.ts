import { describe, it, expect } from 'vitest';
import { welcomeBonus } from './welcome';
import type { OfferInput } from './offers';
import { demoProgramme, member, offers, WEDNESDAY_NOON } from './testkit';

const spring: OfferInput = {
  id: 'spring',
  name: { ru: 'Весна в Москве', en: 'Spring in Moscow' },
  scope: { kind: 'regions', regionIds: ['msk'] },
  validity: { from: '2025-03-01', to: '2025-05-31' },
  effect: { type: 'welcome', amountKopecks: 20_000 },
};
const student: OfferInput = {
  id: 'student',
  name: { ru: 'Студентам', en: 'Students' },
  priority: 10,
  exclusive: true,
  audience: { segments: ['students'] },
  effect: { type: 'welcome', amountKopecks: 50_000 },
};
const saleOffer: OfferInput = { id: 'sale', name: { ru: 'Скидка', en: 'Sale' }, effect: { type: 'percentDiscount', basisPoints: 1_000 } };

const newcomer = member({ purchaseCount: 0 });
const here = { kind: 'local', year: 2025, month: 3, day: 12, hour: 12, minute: 0 } as const;
const msk = { id: 'msk-001', regionId: 'msk' };

describe('welcomeBonus', () => {
  it('the programme bonus plus a regional welcome offer', () => {
    const r = welcomeBonus(demoProgramme({ welcomeBonusKopecks: 10_000 }), offers([spring, saleOffer]), { customer: newcomer, store: msk, at: here });
    expect(r.amount).toBe(30_000);
    expect(r.pendingDays).toBe(0);
    expect(r.appliedOffers).toEqual([{ id: 'spring', version: 0 }]);
    expect(r.explanations.map((e) => e.text.en)).toEqual(['Welcome bonus: 100.00 bonuses', 'Welcome bonus from "Spring in Moscow": 200.00 bonuses']);
  });

  it('only the programme bonus elsewhere or out of dates', () => {
    const p = demoProgramme({ welcomeBonusKopecks: 10_000 });
    expect(welcomeBonus(p, offers([spring]), { customer: newcomer, store: { id: 'spb-001', regionId: 'spb' }, at: here }).amount).toBe(10_000);
    expect(welcomeBonus(p, offers([spring]), { customer: newcomer, store: msk, at: { ...WEDNESDAY_NOON, month: 6, day: 1 } }).amount).toBe(10_000);
  });

  it('an exclusive welcome offer stands alone', () => {
    const p = demoProgramme({ welcomeBonusKopecks: 10_000 });
    const r = welcomeBonus(p, offers([spring, student]), { customer: member({ purchaseCount: 0, segments: ['students'] }), store: msk, at: here });
    expect(r.amount).toBe(60_000);
    expect(r.appliedOffers.map((o) => o.id)).toEqual(['student']);
    // Not a student: the exclusive one does not apply and the regional one does.
    expect(welcomeBonus(p, offers([spring, student]), { customer: newcomer, store: msk, at: here }).amount).toBe(30_000);
  });

  it('is granted once: a used welcome offer is not granted again', () => {
    const r = welcomeBonus(demoProgramme(), offers([{ ...spring, limit: { perCustomer: 1 } }]), {
      customer: newcomer,
      store: msk,
      at: here,
      usage: { spring: 1 },
    });
    expect(r.amount).toBe(0);
  });
});
