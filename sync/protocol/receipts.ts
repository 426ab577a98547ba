import { z } from 'zod';
import { SaleInputSchema } from '../../core/engine';
import type { PricedReceipt, ReturnResult } from '../../core/engine';
import { SaleEvent, SaleTotals } from './events';

/**
 * A sale of any till of the store, found at the server to be returned at this one
 * (GET /api/v1/terminal/receipts/:number). `priced` is the receipt the server's ledger follows,
 * which returns are priced against; `returns` are the returns made so far, from any till.
 */
const kopecks = z.number().int().min(0).max(100_000_000_000);

const PricedLineSchema = z.object({
  lineId: z.string().min(1).max(64),
  productId: z.string().min(1).max(64),
  categories: z.array(z.string().max(64)).max(32),
  weighed: z.boolean(),
  unitPriceKopecks: kopecks,
  quantityMilli: z.number().int().min(1).max(1_000_000_000),
  amount: kopecks,
  discount: kopecks,
  net: kopecks,
  redeemed: kopecks,
  payable: kopecks,
  accrued: kopecks,
  excluded: z.boolean(),
  offerIds: z.array(z.string().max(64)).max(100),
});

/** The parts a return is priced with are checked; the rest (explanations, limits) travels as the server wrote it. */
const PricedReceiptSchema = z.looseObject({
  receiptId: z.string().min(1).max(64),
  customerId: z.string().max(64).nullable(),
  bonusUnitKopecks: z.number().int().positive(),
  lines: z.array(PricedLineSchema).min(1).max(1_000),
  totals: z.object({ subtotal: kopecks, discount: kopecks, net: kopecks, redeemed: kopecks, payable: kopecks, accrued: kopecks, eligibleNet: kopecks }),
});

const ReturnResultSchema = z.looseObject({
  receiptId: z.string().max(64),
  lines: z.array(
    z.object({
      lineId: z.string().max(64),
      quantityMilli: z.number().int(),
      refund: kopecks,
      discount: kopecks,
      restoredBonus: kopecks,
      reversedAccrual: kopecks,
    }),
  ),
  totals: z.object({ refund: kopecks, discount: kopecks, restoredBonus: kopecks, reversedAccrual: kopecks }),
});

export const StoreReceipt = z.object({
  eventId: z.uuid(),
  receiptId: z.string().min(1).max(64),
  /** The server's id of the customer, or null for an anonymous sale. */
  customerId: z.string().max(32).nullable(),
  soldAt: z.string().max(40),
  sale: SaleInputSchema,
  totals: SaleTotals,
  payment: SaleEvent.shape.payment,
  priced: PricedReceiptSchema,
  returns: z.array(ReturnResultSchema).max(1_000),
});
export type StoreReceipt = Omit<z.infer<typeof StoreReceipt>, 'priced' | 'returns'> & { priced: PricedReceipt; returns: ReturnResult[] };
