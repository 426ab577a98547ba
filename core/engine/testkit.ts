import { parseOffers, type OfferInput } from './offers';
import { parseProgramme, type Programme, type ProgrammeInput } from './programme';
import type { BasketLine, Customer } from './input';
import type { Offer } from './offers';
import type { PriceInput } from './pricing';

/**
 * The demo programme and builders used by the engine's tests, the worked examples in
 * docs/loyalty-rules.md and bench/engine.ts. Plain data, no test framework.
 */
export const DEMO_PROGRAMME: ProgrammeInput = {
  id: 'demo',
  version: 3,
  tiers: [
    { id: 'bronze', name: { ru: 'Бронза', en: 'Bronze' }, accrualBasisPoints: 300, minSpendKopecks: 0 },
    { id: 'silver', name: { ru: 'Серебро', en: 'Silver' }, accrualBasisPoints: 500, minSpendKopecks: 5_000_000 },
    { id: 'gold', name: { ru: 'Золото', en: 'Gold' }, accrualBasisPoints: 700, minSpendKopecks: 15_000_000 },
  ],
};

export function demoProgramme(overrides: Partial<ProgrammeInput> = {}): Programme {
  const r = parseProgramme({ ...DEMO_PROGRAMME, ...overrides });
  if (!r.ok) throw new Error(`demo programme invalid: ${JSON.stringify(r.errors)}`);
  return r.value;
}

export function offers(list: OfferInput[]): Offer[] {
  const r = parseOffers(list);
  if (!r.ok) throw new Error(`demo offers invalid: ${JSON.stringify(r.errors)}`);
  return r.value;
}

export function line(lineId: string, productId: string, categories: string[], unitPriceKopecks: number, quantityMilli = 1000, weighed = false): BasketLine {
  return { lineId, productId, categories, unitPriceKopecks, quantityMilli, weighed };
}

/** Rolling spend that puts a customer on each demo tier. */
export const SPEND = { bronze: 0, silver: 6_000_000, gold: 20_000_000 } as const;

export function member(overrides: Partial<Customer> = {}): Customer {
  return {
    id: 'c-1',
    availableBonusKopecks: 0,
    rollingSpendKopecks: SPEND.bronze,
    segments: [],
    purchaseCount: 5,
    birthday: null,
    ...overrides,
  };
}

/** Wednesday 12 March 2025, 12:00 in a Moscow store. */
export const WEDNESDAY_NOON = { kind: 'local', year: 2025, month: 3, day: 12, hour: 12, minute: 0 } as const;

export function sale(overrides: Partial<PriceInput> & Pick<PriceInput, 'lines'>): PriceInput {
  return {
    programme: demoProgramme(),
    offers: [],
    receiptId: 'r-1',
    store: { id: 'msk-001', regionId: 'msk' },
    at: WEDNESDAY_NOON,
    customer: member(),
    redeem: 0,
    online: true,
    offlineAllowanceKopecks: 50_000,
    usage: {},
    ...overrides,
  };
}
