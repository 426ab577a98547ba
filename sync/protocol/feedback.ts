import { z } from 'zod';

/**
 * A receipt's feedback token (issue 16): 24 base64url characters (18 random bytes, 144 bits)
 * made at the till at checkout, so the receipt prints its link offline. It names nothing but the
 * receipt: no phone, name or amount.
 */
export const FeedbackToken = z.string().regex(/^[A-Za-z0-9_-]{24}$/, 'expected a feedback token');
export type FeedbackToken = z.infer<typeof FeedbackToken>;

/** The page a feedback link opens: `{baseUrl}/f/{token}`, served by the server (sync/server/feedbackPage.ts). */
export function feedbackLinkUrl(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/f/${token}`;
}

/**
 * Feedback by a link (desk settings, per chain or store): `baseUrl` is the server's public
 * address the link starts with (absent: no link is printed and no SMS sent); `sms: true` also
 * sends the link by SMS to a customer who consented to SMS (off unless set).
 */
export const FeedbackLinkSettings = z.strictObject({
  baseUrl: z
    .url({ protocol: /^https?$/ })
    .max(200)
    .refine((u) => !/[?#]/.test(u), { message: 'a base address without ? or #' }),
  sms: z.boolean().optional(),
});
export type FeedbackLinkSettings = z.infer<typeof FeedbackLinkSettings>;

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
