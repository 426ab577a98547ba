import { z } from 'zod';
import { LocalisedTextSchema, type Programme } from './programme';
import { fromZod, type ParseResult } from './result';
import { parseClock, parseIsoDate } from './time';

/**
 * Offers (campaigns) as the server publishes them. Each offer says where and when it
 * runs (scope, validity), for whom (audience), when it triggers (conditions), which
 * lines it touches (target) and what it does (effect).
 */

const id = z.string().min(1).max(200);
const ids = (max: number) => z.array(id).max(max);
const isoDate = z.string().refine((s) => parseIsoDate(s) !== null, 'expected a calendar date YYYY-MM-DD');
const clock = z.string().refine((s) => parseClock(s) !== null, 'expected a time HH:MM (00:00-24:00)');
const positiveKopecks = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

/** Lines matched by product id or by any of their categories. Both lists empty means every line. */
export const LineFilterSchema = z.object({
  products: ids(10_000).default([]),
  categories: ids(1_000).default([]),
});
export type LineFilter = z.infer<typeof LineFilterSchema>;

export const ScopeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('chain') }),
  z.object({ kind: z.literal('regions'), regionIds: ids(1_000).min(1) }),
  z.object({ kind: z.literal('stores'), storeIds: ids(100_000).min(1) }),
]);

/** Dates and hours are the store's local time; `to` dates are inclusive, `hours.to` is exclusive. */
export const ValiditySchema = z
  .object({
    from: isoDate.optional(),
    to: isoDate.optional(),
    /** ISO weekdays, 1 = Monday ... 7 = Sunday. */
    weekdays: z.array(z.number().int().min(1).max(7)).min(1).max(7).optional(),
    /** A window that ends before it starts runs over midnight (22:00-06:00). */
    hours: z.object({ from: clock, to: clock }).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.from && v.to && (parseIsoDate(v.from) ?? 0) > (parseIsoDate(v.to) ?? 0)) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'ends before it starts' });
    }
    if (v.hours && v.hours.from === v.hours.to) {
      ctx.addIssue({ code: 'custom', path: ['hours', 'to'], message: 'an empty hour window; omit hours for all day' });
    }
  });

/** Every criterion given must hold; an empty audience means every member. */
export const AudienceSchema = z.object({
  tiers: ids(50).optional(),
  segments: ids(1_000).optional(),
  /** A personal offer: only these customers. */
  customerIds: ids(1_000_000).optional(),
  /** Only a customer's first purchase. */
  firstPurchase: z.boolean().default(false),
  birthday: z.object({ daysBefore: z.number().int().min(0).max(31), daysAfter: z.number().int().min(0).max(31) }).optional(),
  /** A coupon offer: only for a customer who presents a valid coupon for it in this sale (core/loyalty/coupons.ts). */
  coupon: z.boolean().optional(),
});

export const ConditionsSchema = z.object({
  /** Subtotal of the lines loyalty applies to, before any discount. */
  minReceiptKopecks: positiveKopecks.optional(),
  /** At least one line matching this must be in the basket. */
  requires: LineFilterSchema.optional(),
  /** Total quantity (thousandths) of the target lines. */
  minQuantityMilli: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
});

export const EffectSchema = z.discriminatedUnion('type', [
  /** Added to the tier rate on target lines. */
  z.object({ type: z.literal('extraAccrual'), basisPoints: z.number().int().min(1).max(10_000) }),
  /** Multiplies the tier rate on target lines: 200 = x2, 150 = x1.5. */
  z.object({ type: z.literal('accrualMultiplier'), percent: z.number().int().min(101).max(1_000) }),
  /** A fixed number of bonuses for the receipt, spread over the target lines. */
  z.object({ type: z.literal('fixedBonus'), amountKopecks: positiveKopecks }),
  z.object({ type: z.literal('percentDiscount'), basisPoints: z.number().int().min(1).max(10_000) }),
  /** Buy `buy` pieces, pay for `pay`: the cheapest target pieces are free. */
  z
    .object({ type: z.literal('nForM'), buy: z.number().int().min(2).max(100), pay: z.number().int().min(1).max(99) })
    .refine((e) => e.pay < e.buy, { path: ['pay'], message: 'must be less than buy' }),
  /** Granted at registration only (see welcomeBonus), never at a sale. */
  z.object({ type: z.literal('welcome'), amountKopecks: positiveKopecks }),
  /**
   * A next-order coupon (see nextOrderCoupons): a qualifying sale is given one single-use code for
   * the coupon offer `couponOfferId`, valid from the next local day for `validDays` days. Changes
   * nothing on this receipt.
   */
  z.object({
    type: z.literal('nextOrderCoupon'),
    couponOfferId: id,
    validDays: z.number().int().min(1).max(366),
    /** Also sent by SMS, once, to a customer who agreed to SMS (the server sends it when the sale arrives). */
    sms: z.boolean().optional(),
  }),
]);
export type Effect = z.infer<typeof EffectSchema>;

export const OfferSchema = z.object({
  id,
  version: z.number().int().min(0).default(0),
  name: LocalisedTextSchema,
  /** Higher goes first. Ties are broken by id so results never depend on list order. */
  priority: z.number().int().min(-1_000_000).max(1_000_000).default(0),
  /** An exclusive offer shares no line with any other offer. */
  exclusive: z.boolean().default(false),
  scope: ScopeSchema.default({ kind: 'chain' }),
  validity: ValiditySchema.default({}),
  audience: AudienceSchema.default({ firstPurchase: false }),
  /** The lines the effect touches; empty means every line loyalty applies to. */
  target: LineFilterSchema.default({ products: [], categories: [] }),
  /** When the offer triggers at all; judged on the basket before any discount. */
  conditions: ConditionsSchema.default({}),
  effect: EffectSchema,
  /** Per-customer usage limit: `perCustomer` uses, per `periodDays` or for life. */
  limit: z.object({ perCustomer: z.number().int().min(1).max(1_000_000), periodDays: z.number().int().min(1).max(3_660).optional() }).optional(),
});
export type Offer = z.infer<typeof OfferSchema>;
export type OfferInput = z.input<typeof OfferSchema>;

export const OffersSchema = z.array(OfferSchema).max(100_000);

/**
 * Validate a batch of offers. One bad offer rejects the batch, so a till never runs half
 * a campaign update. With the programme, tier ids in audiences are checked too.
 */
export function parseOffers(data: unknown, programme?: Programme): ParseResult<Offer[]> {
  const schema = OffersSchema.superRefine((offers, ctx) => {
    const seen = new Set<string>();
    const tierIds = programme ? new Set(programme.tiers.map((t) => t.id)) : null;
    offers.forEach((o, i) => {
      if (seen.has(o.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate offer id "${o.id}"` });
      seen.add(o.id);
      o.audience.tiers?.forEach((t, j) => {
        if (tierIds && !tierIds.has(t)) {
          ctx.addIssue({ code: 'custom', path: [i, 'audience', 'tiers', j], message: `unknown tier "${t}"` });
        }
      });
    });
  });
  return fromZod(schema.safeParse(data));
}
