import type { Kopecks } from '../../core/money';
import type { FiscalPosition } from '../../core/fiscal/receiptPositions';
import type { FiscalPaymentKind } from '../../core/fiscal/receiptPayments';
import type { AtolPosition, AtolTaskOf, ItemInfoCheckResult, TAXATION_TYPES } from './atolWebSchemas';
import type { Cashier, CashMovement, FiscalReceipt, MarkingCodeRequest } from './fiscalRegister';

/**
 * Builds ATOL JSON tasks from the till's receipts. Money crosses into the vendor's
 * format here, and only here: integer kopecks become rouble numbers (k / 100 prints with
 * at most two decimals), thousandths become quantities with at most three.
 */

export type TaxationType = (typeof TAXATION_TYPES)[number];

export function roubles(k: Kopecks): number {
  return k / 100;
}

export function kopecksOf(roublesAmount: number): Kopecks {
  return Math.round(roublesAmount * 100);
}

const PAYMENT_TYPE: Record<FiscalPaymentKind, 'cash' | 'electronically' | 'other' | 'prepaid'> = {
  cash: 'cash',
  card: 'electronically',
  bonus: 'other',
  // A gift certificate taken as payment: предварительная оплата (зачёт аванса), tag 1215.
  prepaid: 'prepaid',
};

/** The marking code travels base64-encoded: the raw text holds GS (0x1D) separators. */
export function imcOf(code: string): string {
  return Buffer.from(code, 'utf8').toString('base64');
}

export function operatorOf(cashier: Cashier): { name: string; vatin?: string } {
  const op: { name: string; vatin?: string } = { name: cashier.name.slice(0, 64) };
  if (cashier.inn) op.vatin = cashier.inn;
  return op;
}

export type ReceiptKind = 'sell' | 'sellReturn';

/** Planned status of a marked item after the operation (tag 2003): pieces or measured goods. */
export function estimatedStatus(kind: ReceiptKind | MarkingCodeRequest['operation'], weighed: boolean) {
  const selling = kind === 'sell';
  if (weighed) return selling ? ('itemDryForSale' as const) : ('itemDryReturn' as const);
  return selling ? ('itemPieceSold' as const) : ('itemPieceReturn' as const);
}

function positionItem(p: FiscalPosition, kind: ReceiptKind, checks: ReadonlyMap<string, ItemInfoCheckResult>): AtolPosition {
  const item: AtolPosition = {
    type: 'position',
    name: p.name.slice(0, 128),
    price: roubles(p.priceKopecks),
    quantity: p.quantityMilli / 1000,
    amount: roubles(p.amountKopecks),
    measurementUnit: p.unit,
    paymentMethod: p.paymentMethod ?? 'fullPayment',
    paymentObject: p.paymentObject,
    tax: { type: p.vat },
  };
  if (p.markingCode !== undefined) {
    item.paymentObject = p.paymentObject === 'excise' ? 'exciseWithMarking' : 'commodityWithMarking';
    // The position's own quantity and measurementUnit carry the amount (tags 1023, 2108): the
    // vendor's imcParams for a position has no itemQuantity or itemUnits (only the check has them).
    item.imcParams = {
      imc: imcOf(p.markingCode),
      imcType: 'auto',
      itemEstimatedStatus: estimatedStatus(kind, p.unit === 'kilogram'),
      imcModeProcessing: 0,
    };
    const check = checks.get(p.markingCode);
    if (check) item.imcParams.itemInfoCheckResult = { ...check };
  }
  return item;
}

export function receiptTask<K extends ReceiptKind>(
  kind: K,
  receipt: FiscalReceipt,
  checks: ReadonlyMap<string, ItemInfoCheckResult>,
  taxationType: TaxationType | undefined,
): AtolTaskOf<K> {
  const items: AtolTaskOf<ReceiptKind>['items'] = receipt.positions.map((p) => positionItem(p, kind, checks));
  for (const text of receipt.textLines ?? []) items.push({ type: 'text', text, alignment: 'left', wrap: 'words' });
  if (receipt.qrCode) items.push({ type: 'barcode', barcode: receipt.qrCode, barcodeType: 'QR', alignment: 'center', scale: 4 });
  const task: AtolTaskOf<ReceiptKind> = {
    type: kind,
    operator: operatorOf(receipt.cashier),
    items,
    payments: receipt.payments.map((p) => ({ type: PAYMENT_TYPE[p.kind], sum: roubles(p.amountKopecks) })),
  };
  if (taxationType) task.taxationType = taxationType;
  if (receipt.customerContact) task.clientInfo = { emailOrPhone: receipt.customerContact };
  if (receipt.print === false) task.electronically = true;
  return task as AtolTaskOf<K>;
}

export function cashTask<K extends 'cashIn' | 'cashOut'>(kind: K, movement: CashMovement): AtolTaskOf<K> {
  const task: AtolTaskOf<'cashIn' | 'cashOut'> = { type: kind, cashSum: roubles(movement.amountKopecks), operator: operatorOf(movement.cashier) };
  if (movement.reason) task.postItems = [{ type: 'text', text: `Основание: ${movement.reason}`, wrap: 'words' }];
  return task as AtolTaskOf<K>;
}

export function markingTask(request: MarkingCodeRequest): AtolTaskOf<'beginMarkingCodeValidation'> {
  const quantityMilli = request.quantityMilli ?? 1000;
  const weighed = quantityMilli % 1000 !== 0;
  const params: AtolTaskOf<'beginMarkingCodeValidation'>['params'] = {
    imc: imcOf(request.code),
    imcType: 'auto',
    itemEstimatedStatus: estimatedStatus(request.operation, weighed),
    imcModeProcessing: 0,
  };
  if (weighed) {
    params.itemQuantity = quantityMilli / 1000;
    params.itemUnits = 'kilogram';
  }
  return { type: 'beginMarkingCodeValidation', params };
}

/** Why a receipt cannot be sent as it is; null when it can. Checked before the register is asked. */
export function receiptProblem(receipt: FiscalReceipt): string | null {
  if (!/^[A-Za-z0-9._:-]{1,100}$/.test(receipt.receiptId)) return 'receipt id must be 1-100 letters, digits or . _ : -';
  if (receipt.positions.length === 0) return 'a receipt needs at least one position';
  if (receipt.payments.length === 0) return 'a receipt needs at least one payment';
  const total = receipt.positions.reduce((s, p) => s + p.amountKopecks, 0);
  const paid = receipt.payments.reduce((s, p) => s + p.amountKopecks, 0);
  if (paid !== total) return `payments (${paid} kopecks) must equal the positions (${total} kopecks)`;
  if (receipt.positions.some((p) => p.amountKopecks < 0 || p.priceKopecks < 0)) return 'no position may be negative';
  if (receipt.print === false && !receipt.customerContact) return 'an electronic-only receipt needs the customer phone or e-mail';
  return null;
}
