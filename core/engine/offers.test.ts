import { describe, it, expect } from 'vitest';
import { parseOffers, type OfferInput } from './offers';
import { demoProgramme } from './testkit';

const ok: OfferInput = {
  id: 'ok',
  name: { ru: 'Акция', en: 'Offer' },
  effect: { type: 'percentDiscount', basisPoints: 1_000 },
};

function pathsOf(data: unknown, withProgramme = false): string[] {
  const r = parseOffers(data, withProgramme ? demoProgramme() : undefined);
  return r.ok ? [] : r.errors.map((e) => e.path);
}

describe('parseOffers', () => {
  it('fills defaults: chain scope, any time, every member, every line, no limit', () => {
    const r = parseOffers([ok]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value[0]).toMatchObject({
      version: 0,
      priority: 0,
      exclusive: false,
      scope: { kind: 'chain' },
      validity: {},
      audience: { firstPurchase: false },
      target: { products: [], categories: [] },
      conditions: {},
    });
    expect(r.value[0]?.limit).toBeUndefined();
  });

  it.each([
    ['a discount over 100 %', { ...ok, effect: { type: 'percentDiscount', basisPoints: 10_001 } }, '0.effect.basisPoints'],
    ['an unknown effect', { ...ok, effect: { type: 'cashback' } }, '0.effect.type'],
    ['3 for 3', { ...ok, effect: { type: 'nForM', buy: 3, pay: 3 } }, '0.effect.pay'],
    ['a multiplier of x1', { ...ok, effect: { type: 'accrualMultiplier', percent: 100 } }, '0.effect.percent'],
    ['a zero fixed bonus', { ...ok, effect: { type: 'fixedBonus', amountKopecks: 0 } }, '0.effect.amountKopecks'],
    ['a 30th of February', { ...ok, validity: { from: '2025-02-30' } }, '0.validity.from'],
    ['an end before the start', { ...ok, validity: { from: '2025-03-10', to: '2025-03-01' } }, '0.validity.to'],
    ['weekday 8', { ...ok, validity: { weekdays: [8] } }, '0.validity.weekdays.0'],
    ['hour 25', { ...ok, validity: { hours: { from: '25:00', to: '26:00' } } }, '0.validity.hours.from'],
    ['an empty hour window', { ...ok, validity: { hours: { from: '10:00', to: '10:00' } } }, '0.validity.hours.to'],
    ['a store scope without stores', { ...ok, scope: { kind: 'stores', storeIds: [] } }, '0.scope.storeIds'],
    ['a birthday window of 40 days', { ...ok, audience: { birthday: { daysBefore: 40, daysAfter: 0 } } }, '0.audience.birthday.daysBefore'],
    ['a limit of 0 uses', { ...ok, limit: { perCustomer: 0 } }, '0.limit.perCustomer'],
    ['no name', { ...ok, name: undefined }, '0.name'],
  ])('rejects %s, naming %s', (_label, offer, path) => {
    expect(pathsOf([offer])).toContain(path);
  });

  it('rejects the whole batch when one offer is bad', () => {
    const r = parseOffers([ok, { ...ok, id: 'bad', priority: 1.5 }]);
    expect(r).toEqual({ ok: false, errors: [{ path: '1.priority', message: expect.any(String) }] });
  });

  it('rejects duplicate ids', () => {
    expect(pathsOf([ok, ok])).toEqual(['1.id']);
  });

  it('checks audience tiers against the programme when given one', () => {
    const offer = { ...ok, audience: { tiers: ['silver', 'platinum'] } };
    expect(pathsOf([offer])).toEqual([]);
    expect(pathsOf([offer], true)).toEqual(['0.audience.tiers.1']);
  });

  it('accepts an overnight hour window', () => {
    expect(pathsOf([{ ...ok, validity: { hours: { from: '22:00', to: '06:00' } } }])).toEqual([]);
  });
});
