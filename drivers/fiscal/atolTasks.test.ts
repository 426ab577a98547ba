import { describe, expect, it } from 'vitest';
import { receiptTask } from './atolTasks';
import { AtolTask } from './atolWebSchemas';

describe('ATOL sell task for gift certificates (54-FZ)', () => {
  it('sells a certificate as an advance ("advance", "payment") and takes one as prepaid (зачёт аванса)', () => {
    const task = receiptTask(
      'sell',
      {
        receiptId: 'r-1',
        positions: [
          {
            lineId: 'c',
            name: 'Подарочный сертификат GC1234',
            priceKopecks: 300_000,
            quantityMilli: 1000,
            amountKopecks: 300_000,
            unit: 'piece',
            vat: 'vat122',
            paymentObject: 'payment',
            paymentMethod: 'advance',
          },
          {
            lineId: 'g',
            name: 'Молоко',
            priceKopecks: 50_000,
            quantityMilli: 1000,
            amountKopecks: 50_000,
            unit: 'piece',
            vat: 'vat22',
            paymentObject: 'commodity',
          },
        ],
        payments: [
          { kind: 'prepaid', amountKopecks: 20_000 },
          { kind: 'cash', amountKopecks: 330_000 },
        ],
        cashier: { name: 'Анна' },
      },
      new Map(),
      undefined,
    );
    expect(AtolTask.safeParse(task).success).toBe(true);
    expect(task.items[0]).toMatchObject({ paymentMethod: 'advance', paymentObject: 'payment', tax: { type: 'vat122' } });
    expect(task.items[1]).toMatchObject({ paymentMethod: 'fullPayment', paymentObject: 'commodity' });
    expect(task.payments).toEqual([
      { type: 'prepaid', sum: 200 },
      { type: 'cash', sum: 3300 },
    ]);
  });
});
