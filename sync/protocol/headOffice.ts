import { z } from 'zod';

/**
 * Head office's wire shapes (the web UI at /admin/ and its admin endpoints): figures over a
 * period net of returns, offer uptake, the exceptions report. Money and bonuses in kopecks.
 */

/** Every summed figure. Money comes three ways: gross (sales), returns, and net = gross − returns. */
export const RANGE_SUMMED = [
  'receipts',
  'identifiedReceipts',
  'returns',
  'revenueGross',
  'revenueReturns',
  'revenueNet',
  'discount',
  'accruedGross',
  'accruedReturns',
  'accruedNet',
  'redeemedGross',
  'redeemedReturns',
  'redeemedNet',
  'registrations',
  'welcome',
] as const;
export type RangeSummed = (typeof RANGE_SUMMED)[number];

export const RangeFiguresTotals = z.object(Object.fromEntries(RANGE_SUMMED.map((k) => [k, z.number().int()])) as Record<RangeSummed, z.ZodNumber>);
export type RangeFiguresTotals = z.infer<typeof RangeFiguresTotals>;

/** One row of a grouping: a store, a till, a cashier (`key: 'none'` for events without one) or a day. */
export const RangeFiguresRow = RangeFiguresTotals.extend({
  key: z.string(),
  label: z.string(),
  /** For tills and cashiers: their store's name. */
  detail: z.string().nullable(),
});
export type RangeFiguresRow = z.infer<typeof RangeFiguresRow>;

/** GET /api/v1/admin/chains/:chainId/figures: each grouping sums to `totals`. */
export const RangeFigures = z.object({
  from: z.string(),
  to: z.string(),
  totals: RangeFiguresTotals,
  stores: z.array(RangeFiguresRow),
  terminals: z.array(RangeFiguresRow),
  cashiers: z.array(RangeFiguresRow),
  days: z.array(RangeFiguresRow),
});
export type RangeFigures = z.infer<typeof RangeFigures>;

/**
 * GET /api/v1/admin/chains/:chainId/offer-uptake: one row per offer and store, net of returns. A
 * sale counts on its own day and store, a return on its own (like the range figures).
 */
export const UptakeRow = z.object({
  offerId: z.string(),
  offerName: z.object({ ru: z.string(), en: z.string() }).nullable(),
  storeId: z.number().int(),
  regionId: z.number().int().nullable(),
  /** Receipts the offer touched, sold in the period. */
  receipts: z.number().int(),
  /** Money discount and bonus cost on those receipts, before returns. */
  discount: z.number().int(),
  bonusCost: z.number().int(),
  /** Sale receipts with a return in the period that took back a line the offer touched. */
  returnedReceipts: z.number().int(),
  /** The offer's share of what those returns took back (sync/server/uptakeReturns.ts). */
  discountReturned: z.number().int(),
  bonusCostReturned: z.number().int(),
  /** discount − discountReturned, bonusCost − bonusCostReturned. */
  discountNet: z.number().int(),
  bonusCostNet: z.number().int(),
});
export type UptakeRow = z.infer<typeof UptakeRow>;
export const OfferUptake = z.object({ from: z.string(), to: z.string(), rows: z.array(UptakeRow) });

/** One row of the exceptions report. Details carry ids and amounts, never personal data. */
export const ExceptionItem = z.object({
  id: z.number().int(),
  kind: z.string(),
  eventId: z.string().nullable(),
  terminalId: z.string().nullable(),
  storeId: z.number().int().nullable(),
  customerId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
});
export type ExceptionItem = z.infer<typeof ExceptionItem>;
export const ExceptionsPage = z.object({ items: z.array(ExceptionItem), cursor: z.string(), hasMore: z.boolean() });
