import { describe, it, expect } from 'vitest';
import { parseSaleInput } from './input';
import { priceReceipt } from './pricing';
import { EngineInputError } from './result';
import { line, member, sale } from './testkit';

const valid = {
  receiptId: 'r-1',
  store: { id: 'msk-001', regionId: 'msk' },
  at: { kind: 'instant', instant: '2025-03-12T09:00:00Z', timeZone: 'Europe/Moscow' },
  customer: { id: 'c-1', availableBonusKopecks: 1_000, rollingSpendKopecks: 0 },
  lines: [{ lineId: 'a', productId: 'milk', unitPriceKopecks: 8_990, quantityMilli: 2_000 }],
  online: true,
  offlineAllowanceKopecks: 50_000,
};

describe('parseSaleInput (server side, for every pushed sale)', () => {
  it('accepts a sale and fills defaults', () => {
    const r = parseSaleInput(valid);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.redeem).toBe(0);
    expect(r.value.usage).toEqual({});
    expect(r.value.lines[0]).toMatchObject({ categories: [], weighed: false });
    expect(r.value.customer).toMatchObject({ segments: [], purchaseCount: 0, birthday: null });
  });

  it.each([
    ['half a piece', { lines: [{ ...valid.lines[0], quantityMilli: 1_500 }] }, 'lines.0.quantityMilli'],
    ['a float price', { lines: [{ ...valid.lines[0], unitPriceKopecks: 89.9 }] }, 'lines.0.unitPriceKopecks'],
    ['two lines with one id', { lines: [valid.lines[0], valid.lines[0]] }, 'lines.1.lineId'],
    ['an empty basket', { lines: [] }, 'lines'],
    ['a negative redemption', { redeem: -1 }, 'redeem'],
    ['an instant without offset', { at: { kind: 'instant', instant: '2025-03-12 09:00', timeZone: 'Europe/Moscow' } }, 'at.instant'],
    ['a 13th month', { at: { kind: 'local', year: 2025, month: 13, day: 1, hour: 0, minute: 0 } }, 'at.month'],
  ])('rejects %s, naming %s', (_label, patch, path) => {
    const r = parseSaleInput({ ...valid, ...patch });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.path)).toContain(path);
  });
});

describe('priceReceipt guards', () => {
  it('refuses input its types allow but its rules do not, naming the field', () => {
    const bad = [
      sale({ lines: [line('a', 'p', [], 100, 1_500)] }),
      sale({ lines: [line('a', 'p', [], 100), line('a', 'q', [], 100)] }),
      sale({ lines: [line('a', 'p', [], 100)], redeem: 1.5 }),
      sale({ lines: [line('a', 'p', [], 100)], customer: member({ availableBonusKopecks: -1 }) }),
    ];
    const paths = bad.map((input) => {
      try {
        priceReceipt(input);
        return 'no error';
      } catch (e) {
        return e instanceof EngineInputError ? e.path : String(e);
      }
    });
    expect(paths).toEqual(['lines.0.quantityMilli', 'lines.1.lineId', 'redeem', 'customer.availableBonusKopecks']);
  });
});
