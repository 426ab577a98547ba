import { z } from 'zod';
import { OfferSchema, ProgrammeSchema } from '../../core/engine';
import { ServerContextSchema } from '../../core/loyalty/customerContext';
import { CouponSchema } from '../../core/loyalty/coupons';
import { VAT_RATES } from '../../core/fiscal/receiptPositions';

/**
 * Pull pages of the collections other than customers, in CustomerPage's shape: items changed
 * after `cursor`, the cursor to store with them, whether more follow and about how many.
 */
const pageOf = <N extends string, I extends z.ZodType>(collection: N, item: I) =>
  z.object({
    collection: z.literal(collection),
    items: z.array(item),
    cursor: z.string(),
    hasMore: z.boolean(),
    /** Rows still to come after this page, for a progress bar (an estimate when large). */
    remaining: z.number().int().nonnegative(),
  });

/** An offer for this terminal's store, region or chain; `deleted` when it ended or left its scope. */
export const OfferItem = z.object({
  id: z.string(),
  deleted: z.boolean(),
  offer: OfferSchema.nullable(),
});
export type OfferItem = z.infer<typeof OfferItem>;
export const OfferPage = pageOf('offers', OfferItem);
export type OfferPage = z.infer<typeof OfferPage>;

/** The chain's current programme: no item when it has not changed since the cursor. */
export const ProgrammeItem = z.object({ programme: ProgrammeSchema });
export const ProgrammePage = pageOf('programme', ProgrammeItem);
export type ProgrammePage = z.infer<typeof ProgrammePage>;

/** A product as sold in this terminal's store, with this store's price. */
export const ProductItem = z.object({
  id: z.string(),
  ean: z.string().nullable(),
  name: z.string(),
  /** The product's category first, then its ancestors: what the engine's basket lines carry. */
  categories: z.array(z.string()),
  /** Per piece, or per kilogram when weighed. */
  priceKopecks: z.number().int().nonnegative(),
  weighed: z.boolean(),
  /** VAT rate on the fiscal receipt; absent: the register's configured default rate. */
  vat: z.enum(VAT_RATES).optional(),
  /** A marked product (Честный ЗНАК): each piece sold needs its DataMatrix code scanned. */
  marked: z.boolean().optional(),
  /** A quick key (1-9) on the sale screen for goods sold often without a barcode; absent: none. */
  quickKey: z.number().int().min(1).max(9).optional(),
  /** No longer sold in this store. */
  deleted: z.boolean(),
});
export type ProductItem = z.infer<typeof ProductItem>;
export const ProductPage = pageOf('products', ProductItem);
export type ProductPage = z.infer<typeof ProductPage>;

/**
 * What the engine needs about one customer beyond the cache's fields (core/loyalty/customerContext.ts),
 * changed after the cursor: in the customers' change order, its own section so a till keeps it
 * apart from its customer index. The first pull (cursor 0) leaves out customers with nothing to say.
 */
export const ContextPage = pageOf('contexts', ServerContextSchema);
export type ContextPage = z.infer<typeof ContextPage>;

/** Coupons issued or redeemed after the cursor (core/loyalty/coupons.ts); the first pull leaves out used and ended ones. */
export const CouponPage = pageOf('coupons', CouponSchema);
export type CouponPage = z.infer<typeof CouponPage>;
