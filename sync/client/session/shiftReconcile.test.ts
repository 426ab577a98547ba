import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RegisterShiftTotals } from '../../protocol/fiscal';
import type { ShiftTotals } from '../returns';
import { shiftMismatches } from './shiftReconcile';

const till: ShiftTotals = { sales: { count: 3, cash: 150_000, card: 99_990 }, returns: { count: 1, cash: 0, card: 12_345 } };
const register: RegisterShiftTotals = {
  shiftNumber: 7,
  sell: { count: 3, totalKopecks: 259_990, cashKopecks: 150_000, cardKopecks: 99_990, otherKopecks: 10_000 },
  sellReturn: { count: 1, totalKopecks: 12_345, cashKopecks: 0, cardKopecks: 12_345, otherKopecks: 0 },
  cashIn: { count: 1, totalKopecks: 500_000 },
  cashOut: { count: 1, totalKopecks: 200_000 },
  cashInDrawerKopecks: 450_000,
};

describe('the till against the register for a shift', () => {
  it('agree: no warning, whatever the bonuses paid as "other" and the cash moved in and out', () => {
    expect(shiftMismatches(till, register, 7)).toEqual([]);
  });

  it('names each figure that differs, with both values', () => {
    const sold = { ...register, sell: { ...register.sell, count: 4, cashKopecks: 160_000 } };
    expect(shiftMismatches(till, sold, 7)).toEqual([
      { figure: 'sales.count', till: 3, register: 4 },
      { figure: 'sales.cash', till: 150_000, register: 160_000 },
    ]);
    const refunded = { ...register, sellReturn: { ...register.sellReturn, cardKopecks: 12_000 } };
    expect(shiftMismatches(till, refunded, 7)).toEqual([{ figure: 'returns.card', till: 12_345, register: 12_000 }]);
  });

  it("compares nothing once the register is on another shift than the till's figures", () => {
    expect(shiftMismatches(till, { ...register, shiftNumber: 8, sell: { ...register.sell, count: 0 } }, 7)).toEqual([]);
  });

  it('any difference in any compared figure is reported, and only those', () => {
    const figure = fc.nat({ max: 10_000_000 });
    const side = fc.record({ count: fc.nat({ max: 1_000 }), cash: figure, card: figure });
    fc.assert(
      fc.property(side, side, side, side, (sales, returns, regSales, regReturns) => {
        const ours: ShiftTotals = { sales, returns };
        const theirs: RegisterShiftTotals = {
          ...register,
          sell: { count: regSales.count, cashKopecks: regSales.cash, cardKopecks: regSales.card, totalKopecks: 0, otherKopecks: 0 },
          sellReturn: { count: regReturns.count, cashKopecks: regReturns.cash, cardKopecks: regReturns.card, totalKopecks: 0, otherKopecks: 0 },
        };
        const found = shiftMismatches(ours, theirs, register.shiftNumber);
        const expected =
          (['count', 'cash', 'card'] as const).filter((k) => sales[k] !== regSales[k]).length +
          (['count', 'cash', 'card'] as const).filter((k) => returns[k] !== regReturns[k]).length;
        expect(found).toHaveLength(expected);
        for (const m of found) expect(m.till).not.toBe(m.register);
      }),
    );
  });
});
