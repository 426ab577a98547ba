import { z } from 'zod';
import { ScaleBarcodeSettings } from '../../core/scaleBarcode';
import { FeedbackLinkSettings } from './feedback';

/** One quick key of the sale screen (Alt+1..9): the product it sells. */
export const QuickKeySetting = z.strictObject({
  key: z.number().int().min(1).max(9),
  productId: z.string().trim().min(1).max(200),
});
export type QuickKeySetting = z.infer<typeof QuickKeySetting>;

/**
 * The cashier's desk as head office sets it, for a chain or for one store over its chain's
 * (PUT /api/v1/admin/chains/:chainId/desk-settings, /api/v1/admin/stores/:storeId/desk-settings).
 * A field left out is inherited: from the chain for a store; for a chain, the catalogue's own
 * quick keys and the scale layouts the till was enrolled with.
 */
export const DeskSettings = z.strictObject({
  quickKeys: z
    .array(QuickKeySetting)
    .max(9)
    .refine((keys) => new Set(keys.map((k) => k.key)).size === keys.length, { message: 'each quick key (1-9) at most once' })
    .optional(),
  /** The in-store scale label layouts (core/scaleBarcode.ts); an empty `prefixes`: no scale labels. */
  scaleBarcodes: ScaleBarcodeSettings.optional(),
  /** Feedback by a link on the receipt and by SMS (issue 16); absent: none. */
  feedbackLink: FeedbackLinkSettings.optional(),
});
export type DeskSettings = z.infer<typeof DeskSettings>;

/** What the till pulls (GET /api/v1/pull/desk): the store's settings over the chain's, when either changed. */
export const DeskPage = z.object({
  collection: z.literal('desk'),
  items: z.array(z.object({ settings: DeskSettings })).max(1),
  cursor: z.string(),
  hasMore: z.boolean(),
  remaining: z.number().int().nonnegative(),
});
export type DeskPage = z.infer<typeof DeskPage>;

/** The store's settings over its chain's, field by field. */
export function effectiveDesk(chain: DeskSettings | null, store: DeskSettings | null): DeskSettings {
  return { ...(chain ?? {}), ...(store ?? {}) };
}
