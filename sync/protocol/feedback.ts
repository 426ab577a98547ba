import { z } from 'zod';

/** core/loyalty/feedbackScore.ts on the wire: answers, the average in hundredths, the NPS-style index. */
export const FeedbackScoreView = z.object({
  answers: z.number().int().nonnegative(),
  averageHundredths: z.number().int().nullable(),
  promoters: z.number().int().nonnegative(),
  passives: z.number().int().nonnegative(),
  detractors: z.number().int().nonnegative(),
  index: z.number().int().min(-100).max(100).nullable(),
});
export type FeedbackScoreView = z.infer<typeof FeedbackScoreView>;

/** GET /api/v1/manager/feedback?date[&to]: the store's and each cashier's ratings over local days. */
export const StoreFeedback = z.object({
  storeId: z.number().int(),
  date: z.string(),
  dateTo: z.string(),
  store: FeedbackScoreView,
  /** Every cashier rated in the period; `cashierId: null` for receipts made with nobody signed in. */
  cashiers: z.array(FeedbackScoreView.extend({ cashierId: z.string().nullable(), cashierName: z.string().nullable() })),
});
export type StoreFeedback = z.infer<typeof StoreFeedback>;

/** GET /api/v1/admin/chains/:chainId/feedback?from&to[&storeId][&regionId]: per store and per region. */
export const ChainFeedback = z.object({
  from: z.string(),
  to: z.string(),
  chain: FeedbackScoreView,
  regions: z.array(FeedbackScoreView.extend({ regionId: z.number().int().nullable(), region: z.string().nullable() })),
  stores: z.array(
    FeedbackScoreView.extend({ storeId: z.number().int(), store: z.string(), regionId: z.number().int().nullable(), region: z.string().nullable() }),
  ),
});
export type ChainFeedback = z.infer<typeof ChainFeedback>;
