import { assertKopecks, type Kopecks } from '../money';
import type { FiscalPositions } from './receiptPositions';

/**
 * How a receipt was paid, as the register records it: money by cash or card, and bonuses
 * as payment type "other" when the chain treats them as a payment.
 */
export type FiscalPaymentKind = 'cash' | 'card' | 'bonus' | 'prepaid';

export interface FiscalPayment {
  kind: FiscalPaymentKind;
  amountKopecks: Kopecks;
}

/**
 * The payments for a receipt whose money part was paid `prepaidKopecks` by gift certificates
 * (зачёт аванса, payment type "prepaid"), `cardKopecks` by card and the rest in cash. Cash change
 * is the till's business: the register records the exact cash due.
 */
export function receiptPayments(
  receipt: Pick<FiscalPositions, 'moneyKopecks' | 'bonusPaymentKopecks'>,
  cardKopecks: Kopecks,
  prepaidKopecks: Kopecks = 0,
): FiscalPayment[] {
  assertKopecks(cardKopecks, 'card amount');
  assertKopecks(prepaidKopecks, 'certificate amount');
  if (prepaidKopecks < 0 || cardKopecks < 0 || cardKopecks + prepaidKopecks > receipt.moneyKopecks) {
    throw new RangeError(`card ${cardKopecks} and certificates ${prepaidKopecks} must be within the money due ${receipt.moneyKopecks}`);
  }
  const payments: FiscalPayment[] = [];
  if (prepaidKopecks > 0) payments.push({ kind: 'prepaid', amountKopecks: prepaidKopecks });
  if (cardKopecks > 0) payments.push({ kind: 'card', amountKopecks: cardKopecks });
  const cash = receipt.moneyKopecks - cardKopecks - prepaidKopecks;
  if (cash > 0) payments.push({ kind: 'cash', amountKopecks: cash });
  if (receipt.bonusPaymentKopecks > 0) payments.push({ kind: 'bonus', amountKopecks: receipt.bonusPaymentKopecks });
  // A receipt discounted to nothing still names a payment: the register requires one.
  if (payments.length === 0) payments.push({ kind: 'cash', amountKopecks: 0 });
  return payments;
}
