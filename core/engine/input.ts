import { z } from 'zod';
import { fromZod, type ParseResult } from './result';
import { SaleTimeSchema } from './time';

/**
 * What the till (or the server, recomputing a pushed sale) knows about one sale.
 *
 * Quantities are integers in thousandths of the sale unit (`quantityMilli`): a piece is
 * 1000, so 3 pieces = 3000; weighed goods are priced per kilogram and 1 g = 1, so
 * 1.234 kg = 1234. Piece lines must be whole pieces. A line's amount is
 * unitPriceKopecks x quantityMilli / 1000 rounded half up to the kopeck.
 */

const id = z.string().min(1).max(200);
const kopecks = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const BasketLineSchema = z
  .object({
    lineId: id,
    productId: id,
    /** The product's category and its ancestors, e.g. ["dairy", "food"]. */
    categories: z.array(id).max(50).default([]),
    /** Per piece, or per kilogram for weighed goods. */
    unitPriceKopecks: kopecks.max(1_000_000_000),
    quantityMilli: z.number().int().min(1).max(1_000_000_000),
    weighed: z.boolean().default(false),
  })
  .refine((l) => l.weighed || l.quantityMilli % 1000 === 0, {
    path: ['quantityMilli'],
    message: 'pieces are counted whole: quantityMilli must be a multiple of 1000 unless the line is weighed',
  });
export type BasketLine = z.infer<typeof BasketLineSchema>;

export const CustomerSchema = z.object({
  id,
  /**
   * Bonuses spendable now as this till knows them: the last server balance plus the
   * till's own unacknowledged deltas (see availableBalance in lots).
   */
  availableBonusKopecks: kopecks,
  /** Spend over the programme's rolling tier period, before this sale. */
  rollingSpendKopecks: kopecks,
  segments: z.array(id).max(1_000).default([]),
  /** Purchases made before this one; 0 means this is the first. */
  purchaseCount: z.number().int().min(0).default(0),
  /** Day and month only: the year is not needed and not kept. */
  birthday: z
    .object({ month: z.number().int().min(1).max(12), day: z.number().int().min(1).max(31) })
    .nullable()
    .default(null),
  /** Coupon offers this customer presented a valid coupon for in this sale; absent: none. */
  couponOffers: z.array(id).max(20).optional(),
});
export type Customer = z.infer<typeof CustomerSchema>;

export const StoreSchema = z.object({ id, regionId: id });
export type Store = z.infer<typeof StoreSchema>;

export const SaleInputSchema = z
  .object({
    /** Client id made at the till; returns refer to it. */
    receiptId: id,
    store: StoreSchema,
    at: SaleTimeSchema,
    /** null: no loyalty card shown, so no bonuses and no member offers. */
    customer: CustomerSchema.nullable(),
    lines: z.array(BasketLineSchema).min(1).max(1_000),
    /** Bonuses the customer asks to spend, or "max". Above the maximum it is clamped. */
    redeem: z.union([kopecks, z.literal('max')]).default(0),
    online: z.boolean(),
    /** What this customer may still spend at this till while it is offline. */
    offlineAllowanceKopecks: kopecks,
    /** Uses of each limited offer by this customer in the offer's current limit period. */
    usage: z.record(id, z.number().int().min(0)).default({}),
    /** Coupon codes presented, each with the offer it unlocks; the server checks each code again. */
    coupons: z
      .array(z.object({ code: z.string().min(1).max(64), offerId: id }))
      .max(20)
      .optional(),
  })
  .superRefine((s, ctx) => {
    const seen = new Set<string>();
    s.lines.forEach((l, i) => {
      if (seen.has(l.lineId)) ctx.addIssue({ code: 'custom', path: ['lines', i, 'lineId'], message: `duplicate line id "${l.lineId}"` });
      seen.add(l.lineId);
    });
  });
export type SaleInput = z.infer<typeof SaleInputSchema>;

/** Validate a sale at a trust boundary (the server, for every pushed sale). */
export function parseSaleInput(data: unknown): ParseResult<SaleInput> {
  return fromZod(SaleInputSchema.safeParse(data));
}
