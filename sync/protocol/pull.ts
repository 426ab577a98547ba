import { z } from 'zod';
import { OfferSchema, ProgrammeSchema } from '../../core/engine';

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
  /** No longer sold in this store. */
  deleted: z.boolean(),
});
export type ProductItem = z.infer<typeof ProductItem>;
export const ProductPage = pageOf('products', ProductItem);
export type ProductPage = z.infer<typeof ProductPage>;
