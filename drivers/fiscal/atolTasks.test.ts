import { describe, expect, it } from 'vitest';
import { receiptTask } from './atolTasks';
import { AtolTask } from './atolWebSchemas';

describe('ATOL sell task with a feedback link (issue 16)', () => {
  it('prints the link as text and its QR code as a barcode item the simulator accepts', () => {
    const link = 'https://fb.example.ru/f/AbCdEfGhIjKlMnOpQrStUvWx';
    const task = receiptTask(
      'sell',
      {
        receiptId: 'r-fb',
        positions: [
          {
            lineId: 'g',
            name: 'Молоко',
            priceKopecks: 9_900,
            quantityMilli: 1000,
            amountKopecks: 9_900,
            unit: 'piece',
            vat: 'vat22',
            paymentObject: 'commodity',
          },
        ],
        payments: [{ kind: 'cash', amountKopecks: 9_900 }],
        cashier: { name: 'Анна' },
        textLines: ['Оцените покупку и кассира:', link],
        qrCode: link,
      },
      new Map(),
      undefined,
    );
    expect(task.items.slice(1)).toEqual([
      { type: 'text', text: 'Оцените покупку и кассира:', alignment: 'left', wrap: 'words' },
      { type: 'text', text: link, alignment: 'left', wrap: 'words' },
      { type: 'barcode', barcode: link, barcodeType: 'QR', alignment: 'center', scale: 4 },
    ]);
    expect(AtolTask.safeParse(task).success).toBe(true);
    expect(AtolTask.safeParse({ ...task, items: [...task.items, { type: 'barcode', barcode: link, barcodeType: 'EAN13' }] }).success).toBe(false);
  });
});

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

describe('ATOL sell task for a weighed marked product (dairy by weight)', () => {
  const cheese = {
    lineId: 'w',
    name: 'Сыр весовой',
    priceKopecks: 120_000,
    quantityMilli: 1_234,
    amountKopecks: 148_080,
    unit: 'kilogram' as const,
    vat: 'vat10' as const,
    paymentObject: 'commodity' as const,
    markingCode: '0104600000000017215abcd\u001d93dGVz',
  };

  it('sends 1.234 kg as the position quantity in kilograms, with the code as the vendor reads it for a position', () => {
    const task = receiptTask(
      'sell',
      { receiptId: 'r-2', positions: [cheese], payments: [{ kind: 'card', amountKopecks: 148_080 }], cashier: { name: 'Анна' } },
      new Map(),
      undefined,
    );
    expect(AtolTask.safeParse(task).success).toBe(true);
    const item = task.items[0]!;
    expect(item).toMatchObject({ quantity: 1.234, measurementUnit: 'kilogram', paymentObject: 'commodityWithMarking' });
    // A position's imcParams has no itemQuantity or itemUnits in the vendor's task: the register
    // would ignore them, so the weight must travel in the position itself.
    expect(item.type === 'position' && item.imcParams).toEqual({
      imc: Buffer.from(cheese.markingCode, 'utf8').toString('base64'),
      imcType: 'auto',
      itemEstimatedStatus: 'itemDryForSale',
      imcModeProcessing: 0,
    });
  });

  it('the simulator schema refuses itemQuantity in a position imcParams', () => {
    const task = receiptTask(
      'sellReturn',
      { receiptId: 'r-3', positions: [cheese], payments: [{ kind: 'cash', amountKopecks: 148_080 }], cashier: { name: 'Анна' } },
      new Map(),
      undefined,
    );
    const item = task.items[0]!;
    expect(item.type === 'position' && item.imcParams?.itemEstimatedStatus).toBe('itemDryReturn');
    const bad = { ...task, items: [{ ...item, imcParams: { ...(item.type === 'position' ? item.imcParams : {}), itemQuantity: 1.234 } }] };
    expect(AtolTask.safeParse(bad).success).toBe(false);
  });
});
