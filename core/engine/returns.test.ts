import { describe, it, expect } from 'vitest';
import { priceReceipt } from './pricing';
import { priceReturn, type ReturnResult } from './returns';
import { EngineInputError } from './result';
import { line, member, offers, sale, SPEND } from './testkit';

const sold = priceReceipt(
  sale({
    lines: [
      line('cheese', 'cheese', ['dairy'], 99_900, 437, true), // 437 g at 999.00 per kg
      line('cola', 'cola', ['drinks'], 9_900, 5_000),
      line('cig', 'cigarettes', ['tobacco'], 20_000),
    ],
    offers: offers([
      {
        id: 'cola-10',
        name: { ru: 'Кола −10 %', en: 'Cola 10% off' },
        target: { products: ['cola'] },
        effect: { type: 'percentDiscount', basisPoints: 1_000 },
      },
    ]),
    customer: member({ rollingSpendKopecks: SPEND.gold, availableBonusKopecks: 100_000 }),
    redeem: 'max',
  }),
);

function expectError(fn: () => unknown, path: string): void {
  try {
    fn();
    expect.unreachable();
  } catch (e) {
    expect(e).toBeInstanceOf(EngineInputError);
    expect((e as EngineInputError).path).toBe(path);
  }
}

describe('priceReturn', () => {
  it('the sale it starts from', () => {
    expect(sold.lines.map((l) => [l.amount, l.discount, l.redeemed, l.payable, l.accrued])).toEqual([
      [43_656, 0, 13_096, 30_560, 2_139],
      [49_500, 4_950, 13_365, 31_185, 2_183],
      [20_000, 0, 0, 20_000, 0],
    ]);
  });

  it('a full return in one go gives back everything exactly', () => {
    const r = priceReturn(
      sold,
      sold.lines.map((l) => ({ lineId: l.lineId, quantityMilli: l.quantityMilli })),
    );
    expect(r.totals).toEqual({
      refund: sold.totals.payable,
      discount: sold.totals.discount,
      restoredBonus: sold.totals.redeemed,
      reversedAccrual: sold.totals.accrued,
    });
    expect(r.receiptFullyReturned).toBe(true);
    expect(r.explanations.map((e) => e.code)).toEqual(['returnRefund', 'returnRestoredBonus', 'returnReversedAccrual']);
  });

  it('weighed goods come back by the gram', () => {
    const steps = [100, 200, 137];
    const done: ReturnResult[] = [];
    for (const g of steps) done.push(priceReturn(sold, [{ lineId: 'cheese', quantityMilli: g }], done));
    expect(done.map((r) => r.totals.refund)).toEqual([6_993, 13_986, 9_581]);
    expect(done.reduce((s, r) => s + r.totals.refund, 0)).toBe(30_560);
    expect(done.reduce((s, r) => s + r.totals.restoredBonus, 0)).toBe(13_096);
    expect(done.reduce((s, r) => s + r.totals.reversedAccrual, 0)).toBe(2_139);
  });

  it('returning tobacco gives money back and touches no bonuses', () => {
    const r = priceReturn(sold, [{ lineId: 'cig', quantityMilli: 1_000 }]);
    expect(r.totals).toEqual({ refund: 20_000, discount: 0, restoredBonus: 0, reversedAccrual: 0 });
    expect(r.explanations.map((e) => e.code)).toEqual(['returnRefund']);
  });

  it('refuses bad requests, naming the field', () => {
    expectError(() => priceReturn(sold, []), 'lines');
    expectError(() => priceReturn(sold, [{ lineId: 'nope', quantityMilli: 1_000 }]), 'lines.0.lineId');
    expectError(() => priceReturn(sold, [{ lineId: 'cola', quantityMilli: 1_500 }]), 'lines.0.quantityMilli');
    expectError(() => priceReturn(sold, [{ lineId: 'cola', quantityMilli: 6_000 }]), 'lines.0.quantityMilli');
    expectError(() => priceReturn(sold, [{ lineId: 'cola', quantityMilli: 0 }]), 'lines.0.quantityMilli');
    expectError(
      () =>
        priceReturn(sold, [
          { lineId: 'cola', quantityMilli: 1_000 },
          { lineId: 'cola', quantityMilli: 1_000 },
        ]),
      'lines.1.lineId',
    );
    const first = priceReturn(sold, [{ lineId: 'cola', quantityMilli: 4_000 }]);
    expectError(() => priceReturn(sold, [{ lineId: 'cola', quantityMilli: 2_000 }], [first]), 'lines.0.quantityMilli');
    expectError(() => priceReturn(sold, [{ lineId: 'cola', quantityMilli: 1_000 }], [{ ...first, receiptId: 'other' }]), 'previousReturns.0.receiptId');
  });
});
