import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COPY_HEADER, copyMoney, receiptCopyLines, wrapText, type ReceiptCopySource } from './receiptCopy';

const names: Record<string, string> = {
  milk: 'Молоко 3,2 %',
  apples: 'Яблоки Гренни Смит',
  cheese: 'Сыр полутвёрдый «Российский» фасованный, весовой, из Костромской области',
};

function sale(over: Partial<ReceiptCopySource['event']> = {}, customerId: string | null = '42'): ReceiptCopySource {
  return {
    customerId,
    event: {
      sale: {
        receiptId: 'T1-000123',
        store: { id: '1' },
        // 09:05 UTC is 12:05 in Moscow.
        at: { kind: 'instant', instant: '2026-12-07T09:05:00.000Z', timeZone: 'Europe/Moscow' },
        lines: [
          { lineId: 'l1', productId: 'milk', unitPriceKopecks: 8990, quantityMilli: 2000, weighed: false },
          { lineId: 'l2', productId: 'apples', unitPriceKopecks: 14990, quantityMilli: 1250, weighed: true },
        ],
      },
      // 179,80 + 187,38 = 367,18; discount 17,98 on the milk; 50,00 in bonuses.
      totals: { payable: 29920, redeemed: 5000, accrued: 1200, discount: 1798 },
      payment: { method: 'card', amountKopecks: 29920 },
      fiscal: { documentNumber: 1017, fiscalSign: '3826135412', shiftNumber: 4, fnNumber: '9999078900012345' },
      ...over,
    },
    priced: {
      bonusUnitKopecks: 100,
      lines: [
        { lineId: 'l1', amount: 17980, discount: 1798 },
        { lineId: 'l2', amount: 18738, discount: 0 },
      ],
    },
  };
}

describe('receipt copy', () => {
  it('prints the header, the store, till, number and the time in the store zone, then every line', () => {
    const lines = receiptCopyLines(sale(), { names: (id) => names[id], storeName: 'Магазин у дома', tillName: 'Касса 2' });
    expect(lines[0]).toBe(COPY_HEADER);
    expect(lines).toContain('Магазин: Магазин у дома');
    expect(lines).toContain('Касса: Касса 2');
    expect(lines).toContain('Чек № T1-000123');
    expect(lines).toContain('Дата: 07.12.2026 12:05');
    expect(lines).toContain('Молоко 3,2 %');
    expect(lines.find((l) => l.startsWith('  2 шт × 89,90'))).toMatch(/179,80$/);
    expect(lines.find((l) => l.startsWith('  1,250 кг × 149,90/кг'))).toMatch(/187,38$/);
    expect(lines.find((l) => l.startsWith('  скидка'))).toMatch(/−17,98$/);
  });

  it('shows totals, the payment by method, bonuses spent and earned and the fiscal numbers', () => {
    const lines = receiptCopyLines(sale(), { names: (id) => names[id] });
    const row = (label: string) => lines.find((l) => l.startsWith(label));
    expect(row('Без скидок')).toMatch(/367,18$/);
    expect(row('Скидка')).toMatch(/−17,98$/);
    expect(row('Оплачено бонусами')).toMatch(/−50,00$/);
    expect(row('ИТОГ')).toMatch(/ 299,20$/);
    expect(row('Картой')).toMatch(/ 299,20$/);
    expect(row('Бонусов списано')).toMatch(/50,00 бонуса$/);
    expect(row('Бонусов начислено')).toMatch(/12,00 бонуса$/);
    expect(row('ФД №')).toMatch(/1017$/);
    expect(row('ФП')).toMatch(/3826135412$/);
    expect(row('ФН')).toMatch(/9999078900012345$/);
    expect(lines.every((l) => l.length <= 48)).toBe(true);
  });

  it('a cash sale part paid by a certificate, without a card or register, shows both parts and no fiscal numbers', () => {
    const lines = receiptCopyLines(
      sale(
        {
          totals: { payable: 36718, redeemed: 0, accrued: 0, discount: 0 },
          payment: { method: 'cash', amountKopecks: 26718, certificates: [{ amountKopecks: 10000 }] },
          fiscal: undefined,
        },
        null,
      ),
      { names: () => undefined },
    );
    expect(lines.find((l) => l.startsWith('Наличными'))).toMatch(/267,18$/);
    expect(lines.find((l) => l.startsWith('Сертификатом'))).toMatch(/100,00$/);
    expect(lines.some((l) => l.startsWith('ФД'))).toBe(false);
    expect(lines.some((l) => l.startsWith('Бонусов'))).toBe(false);
    // A product gone from the catalogue shows its id.
    expect(lines).toContain('milk');
  });

  it('wraps long names and the header on 57 mm paper (32 characters)', () => {
    const s = sale();
    s.event.sale.lines = [{ lineId: 'l1', productId: 'cheese', unitPriceKopecks: 123456, quantityMilli: 1234, weighed: true }];
    s.priced = undefined;
    const lines = receiptCopyLines(s, { names: (id) => names[id], width: 32 });
    expect(lines.every((l) => l.length <= 32)).toBe(true);
    expect(lines.slice(0, 2).join(' ')).toBe(COPY_HEADER);
    expect(lines.join(' ')).toContain(names.cheese);
    // 1 234,56 per kg × 1,234 kg = 1 523,45 (half up), computed when the priced receipt is absent.
    expect(lines.some((l) => l.endsWith('1 523,45'))).toBe(true);
  });

  it('formats money as integer kopecks with spaces between thousands', () => {
    expect(copyMoney(0)).toBe('0,00');
    expect(copyMoney(123450)).toBe('1 234,50');
    expect(copyMoney(100000000)).toBe('1 000 000,00');
    expect(copyMoney(-5)).toBe('−0,05');
    expect(wrapText('', 10)).toEqual(['']);
    expect(wrapText('абвгдежзийклм', 5)).toEqual(['абвгд', 'ежзий', 'клм']);
  });

  it('property: no line is wider than the paper and the copy total is the journal total', () => {
    const line = fc.record({
      name: fc.string({ maxLength: 120 }),
      unitPriceKopecks: fc.integer({ min: 0, max: 100_000_000 }),
      pieces: fc.integer({ min: 1, max: 999 }),
      grams: fc.integer({ min: 1, max: 99_999 }),
      weighed: fc.boolean(),
      discount: fc.integer({ min: 0, max: 10_000 }),
    });
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 24, max: 64 }),
        fc.integer({ min: 0, max: 1_000_000_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.boolean(),
        fc.string({ maxLength: 80 }),
        (ls, width, payable, redeemed, fiscalised, storeName) => {
          const s = sale({
            totals: { payable, redeemed, accrued: redeemed, discount: ls.reduce((a, l) => a + l.discount, 0) },
            payment: { method: 'cash', amountKopecks: payable },
            fiscal: fiscalised
              ? { documentNumber: 2_000_000_000, fiscalSign: '12345678901234567890', fnNumber: '99990789000123456789012345678901' }
              : undefined,
          });
          s.event.sale.lines = ls.map((l, i) => ({
            lineId: `l${i}`,
            productId: `p${i}`,
            unitPriceKopecks: l.unitPriceKopecks,
            quantityMilli: l.weighed ? l.grams : l.pieces * 1000,
            weighed: l.weighed,
          }));
          s.priced = undefined;
          const lines = receiptCopyLines(s, { names: (id) => ls[Number(id.slice(1))]!.name, storeName, width });
          expect(lines.every((l) => l.length <= width)).toBe(true);
          const totals = lines.filter((l) => l.startsWith('ИТОГ '));
          expect(totals).toHaveLength(1);
          expect(totals[0]!.slice(4).trim()).toBe(copyMoney(payable));
          expect(lines.every((l) => !/\p{Cc}/u.test(l))).toBe(true);
        },
      ),
    );
  });
});
