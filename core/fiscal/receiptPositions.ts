import { allocate, type Kopecks } from '../money';
import { lineAmount } from '../engine/alloc';
import { EngineInputError } from '../engine/result';
import type { PricedLine, PricedReceipt } from '../engine/pricing';
import type { ReturnResult } from '../engine/returns';

/**
 * The positions of a 54-FZ receipt, built from what the loyalty engine priced.
 *
 * Money: every position's amount is the engine's own figure for the line, so the
 * positions sum to the engine's total to the kopeck:
 * - bonuses as a discount: amount = the line's payable (net after offers minus bonuses
 *   spent); positions sum to totals.payable, paid in money only;
 * - bonuses as a payment: amount = the line's net; positions sum to totals.net, paid by
 *   money (totals.payable) plus payment type "other" (totals.redeemed).
 *
 * Rounding rule (checked by the register and the tax service: tag 1043 against 1079 x 1023):
 * a position's amount is its unit price times its quantity, rounded half up to the kopeck,
 * exactly. A line whose amount has no such unit price is split:
 * - pieces: k pieces at price p + 1 and the rest at p, where amount = p x n + k;
 * - weighed goods (quantity in kg, 3 decimals): one position if some price per kg rounds
 *   to the amount (always so up to 1 kg); otherwise the weight less 1 kg at the price that
 *   rounds down, and 1.000 kg at whatever kopecks are left (a 1 kg price is its amount);
 * - marked pieces: one position per piece, each with its own DataMatrix code, the amount
 *   spread over the pieces by largest remainder.
 * No position is negative; a line discounted to nothing is a position at price 0.
 */

export const VAT_RATES = ['vat22', 'vat20', 'vat10', 'vat7', 'vat5', 'vat0', 'none'] as const;
/** VAT rate of a product; 'none' is "без НДС" (a store on the simplified tax system). */
export type VatRate = (typeof VAT_RATES)[number];

/** An advance (a gift certificate sold) carries the calculated rate of the goods' rate: 22/122 for 22 % (54-FZ, tag 1199). */
export const ADVANCE_VAT_RATES = ['vat122', 'vat120', 'vat110', 'vat107', 'vat105'] as const;
export const POSITION_VAT_RATES = [...VAT_RATES, ...ADVANCE_VAT_RATES] as const;
export type PositionVatRate = (typeof POSITION_VAT_RATES)[number];

export function advanceVat(rate: VatRate): PositionVatRate {
  const calculated: Record<VatRate, PositionVatRate> = {
    vat22: 'vat122',
    vat20: 'vat120',
    vat10: 'vat110',
    vat7: 'vat107',
    vat5: 'vat105',
    vat0: 'vat0',
    none: 'none',
  };
  return calculated[rate];
}

export const PAYMENT_OBJECTS = ['commodity', 'excise', 'service', 'payment'] as const;
/** Предмет расчёта (tag 1212): what is sold. */
export type PaymentObject = (typeof PAYMENT_OBJECTS)[number];

/** How bonuses spent appear on the fiscal receipt: a chain setting. */
export type BonusTreatment = 'discount' | 'otherPayment';

export interface FiscalProduct {
  /** Name printed on the receipt (at most 128 characters are sent). */
  name: string;
  /** Falls back to the settings' default rate. */
  vat?: VatRate;
  paymentObject?: PaymentObject;
  /** A marked product (Честный ЗНАК): every piece carries its own DataMatrix code. */
  marked?: boolean;
  /** A gift certificate sold: an advance (способ расчёта «аванс», предмет расчёта «платёж»), not revenue. */
  advance?: boolean;
}

export type ProductLookup = (productId: string) => FiscalProduct | undefined;

export interface FiscalSettings {
  /** Rate for products that name none; configurable, since rates change (20 % became 22 % in 2026). */
  defaultVat: VatRate;
  bonuses: BonusTreatment;
}

export interface FiscalPosition {
  lineId: string;
  name: string;
  /** Price per piece, or per kilogram for weighed goods, after discounts (and bonuses, as a discount). */
  priceKopecks: Kopecks;
  /** Thousandths of the unit: 1000 is one piece or 1 kg. */
  quantityMilli: number;
  /** priceKopecks x quantityMilli / 1000, rounded half up: see positionAmount. */
  amountKopecks: Kopecks;
  unit: 'piece' | 'kilogram';
  vat: PositionVatRate;
  paymentObject: PaymentObject;
  /** Способ расчёта (tag 1214): absent is full payment; 'advance' for a gift certificate sold. */
  paymentMethod?: 'advance';
  /** The raw DataMatrix (GS1) code of this piece, group separators included. */
  markingCode?: string;
}

export interface FiscalPositions {
  positions: FiscalPosition[];
  /** Sum of the positions: the receipt total the register prints. */
  totalKopecks: Kopecks;
  /** Bonuses to pass as payment type "other" (0 when bonuses are a discount). */
  bonusPaymentKopecks: Kopecks;
  /** What is paid (or refunded) in money: totalKopecks - bonusPaymentKopecks. */
  moneyKopecks: Kopecks;
}

/** Marking codes scanned for each line, one per piece, keyed by line id. */
export type MarkingCodes = Readonly<Record<string, readonly string[]>>;

/** The register's rule: amount = price x quantity rounded half up to the kopeck. */
export function positionAmount(priceKopecks: Kopecks, quantityMilli: number): Kopecks {
  return lineAmount(priceKopecks, quantityMilli);
}

/** One price group of a line: quantity at a unit price, amount per the rounding rule. */
export interface PriceGroup {
  priceKopecks: Kopecks;
  quantityMilli: number;
  amountKopecks: Kopecks;
}

/**
 * Splits a line amount into price groups that each satisfy the rounding rule and together
 * give back exactly `amount` and `quantityMilli`.
 */
export function priceGroups(amount: Kopecks, quantityMilli: number, weighed: boolean): PriceGroup[] {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError(`amount must be whole, non-negative kopecks, got ${amount}`);
  if (!Number.isSafeInteger(quantityMilli) || quantityMilli <= 0) throw new RangeError(`quantity must be positive thousandths, got ${quantityMilli}`);
  if (!weighed) {
    if (quantityMilli % 1000 !== 0) throw new RangeError('pieces are whole');
    const pieces = quantityMilli / 1000;
    const price = Math.floor(amount / pieces);
    const dearer = amount - price * pieces;
    const groups: PriceGroup[] = [];
    if (pieces - dearer > 0) groups.push({ priceKopecks: price, quantityMilli: (pieces - dearer) * 1000, amountKopecks: price * (pieces - dearer) });
    if (dearer > 0) groups.push({ priceKopecks: price + 1, quantityMilli: dearer * 1000, amountKopecks: (price + 1) * dearer });
    return groups;
  }
  const single = weighedPrice(amount, quantityMilli);
  if (single !== null) return [{ priceKopecks: single, quantityMilli, amountKopecks: amount }];
  // Only above 1 kg can no price fit; a 1 kg remainder takes any kopecks at price = amount.
  const bulkQuantity = quantityMilli - 1000;
  const bulkPrice = Number((BigInt(amount) * 1000n) / BigInt(quantityMilli));
  const bulkAmount = positionAmount(bulkPrice, bulkQuantity);
  const rest = amount - bulkAmount;
  return [
    { priceKopecks: bulkPrice, quantityMilli: bulkQuantity, amountKopecks: bulkAmount },
    { priceKopecks: rest, quantityMilli: 1000, amountKopecks: rest },
  ];
}

/** The price per kg closest to amount / weight whose rounded amount is exactly `amount`, or null. */
function weighedPrice(amount: Kopecks, quantityMilli: number): Kopecks | null {
  const a = BigInt(amount) * 1000n;
  const q = BigInt(quantityMilli);
  // round half up: floor((p q + 500) / 1000) = amount  <=>  1000 amount - 500 <= p q < 1000 amount + 500
  const low = a - 500n;
  const high = a + 500n;
  const nearest = (a + q / 2n) / q;
  for (const p of [nearest, nearest - 1n, nearest + 1n]) {
    if (p >= 0n && p * q >= low && p * q < high) return Number(p);
  }
  return null;
}

function productOf(products: ProductLookup, line: PricedLine, path: string): FiscalProduct {
  const product = products(line.productId);
  if (!product) throw new EngineInputError(path, `no fiscal data (name, VAT) for product "${line.productId}"`);
  return product;
}

function linePositions(
  line: PricedLine,
  quantityMilli: number,
  amount: Kopecks,
  product: FiscalProduct,
  settings: FiscalSettings,
  codes: readonly string[] | undefined,
  path: string,
): FiscalPosition[] {
  if (amount < 0) throw new EngineInputError(path, `line "${line.lineId}" would go on the receipt negative (${amount} kopecks)`);
  const base = {
    lineId: line.lineId,
    name: product.name,
    unit: line.weighed ? ('kilogram' as const) : ('piece' as const),
    vat: product.advance ? advanceVat(product.vat ?? settings.defaultVat) : (product.vat ?? settings.defaultVat),
    paymentObject: product.advance ? ('payment' as const) : (product.paymentObject ?? 'commodity'),
    ...(product.advance ? { paymentMethod: 'advance' as const } : {}),
  };
  if (!product.marked) {
    if (codes && codes.length > 0) throw new EngineInputError(path, `line "${line.lineId}" has marking codes but its product is not marked`);
    return priceGroups(amount, quantityMilli, line.weighed).map((g) => ({ ...base, ...g }));
  }
  // A marked weighed good carries one code for the whole weight; a marked piece one code each.
  const pieces = line.weighed ? 1 : quantityMilli / 1000;
  if (!codes || codes.length !== pieces) {
    throw new EngineInputError(path, `line "${line.lineId}" needs ${pieces} marking code(s), got ${codes?.length ?? 0}`);
  }
  if (new Set(codes).size !== codes.length) throw new EngineInputError(path, `line "${line.lineId}" has the same marking code twice`);
  if (line.weighed) {
    return priceGroups(amount, quantityMilli, true).map((g, i) => (i === 0 ? { ...base, ...g, markingCode: codes[0] } : { ...base, ...g }));
  }
  const shares = allocate(
    amount,
    codes.map(() => 1),
  );
  return codes.map((code, i) => {
    const share = shares[i] ?? 0;
    return { ...base, priceKopecks: share, quantityMilli: 1000, amountKopecks: share, markingCode: code };
  });
}

function summed(positions: FiscalPosition[], bonusPaymentKopecks: Kopecks): FiscalPositions {
  const totalKopecks = positions.reduce((s, p) => s + p.amountKopecks, 0);
  return { positions, totalKopecks, bonusPaymentKopecks, moneyKopecks: totalKopecks - bonusPaymentKopecks };
}

/** Positions of the sale receipt for a priced basket. */
export function salePositions(receipt: PricedReceipt, products: ProductLookup, settings: FiscalSettings, markingCodes: MarkingCodes = {}): FiscalPositions {
  const asPayment = settings.bonuses === 'otherPayment';
  const positions = receipt.lines.flatMap((line, i) => {
    const path = `lines.${i}`;
    const amount = asPayment ? line.net : line.payable;
    return linePositions(line, line.quantityMilli, amount, productOf(products, line, path), settings, markingCodes[line.lineId], path);
  });
  return summed(positions, asPayment ? receipt.totals.redeemed : 0);
}

/**
 * Positions of the return receipt (чек возврата прихода) for a return priced by the engine.
 * Marked pieces need their codes again, one per returned piece.
 */
export function returnPositions(
  original: PricedReceipt,
  returned: ReturnResult,
  products: ProductLookup,
  settings: FiscalSettings,
  markingCodes: MarkingCodes = {},
): FiscalPositions {
  const asPayment = settings.bonuses === 'otherPayment';
  const byId = new Map(original.lines.map((l) => [l.lineId, l]));
  const positions = returned.lines.flatMap((r, i) => {
    const path = `returned.lines.${i}`;
    const sold = byId.get(r.lineId);
    if (!sold) throw new EngineInputError(`${path}.lineId`, `receipt "${original.receiptId}" has no line "${r.lineId}"`);
    const amount = asPayment ? r.refund + r.restoredBonus : r.refund;
    return linePositions(sold, r.quantityMilli, amount, productOf(products, sold, path), settings, markingCodes[r.lineId], path);
  });
  return summed(positions, asPayment ? returned.totals.restoredBonus : 0);
}
