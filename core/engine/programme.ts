import { z } from 'zod';
import type { Kopecks } from '../money';
import { fromZod, type ParseResult } from './result';

/**
 * The loyalty programme as the server publishes it: versioned data, no code.
 * All money and bonus amounts are integer kopecks. A bonus amount of 100 means bonuses
 * worth 1 rouble; `bonusUnitKopecks` only says how many kopecks one displayed "bonus"
 * is (default 100: 1 bonus = 1 rouble), so every sum stays an exact integer.
 */

const kopecks = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const basisPoints = z.number().int().min(0).max(10_000);
const id = z.string().min(1).max(200);

export const LocalisedTextSchema = z.object({
  ru: z.string().min(1).max(500),
  en: z.string().min(1).max(500),
});
export type LocalisedText = z.infer<typeof LocalisedTextSchema>;

export const TierSchema = z.object({
  id,
  name: LocalisedTextSchema,
  /** Base accrual rate on the part of a line that earns, e.g. 500 = 5 %. */
  accrualBasisPoints: basisPoints,
  /** Rolling spend (kopecks, over `tierPeriodDays`) from which this tier applies. */
  minSpendKopecks: kopecks,
});
export type Tier = z.infer<typeof TierSchema>;

export const RedemptionRulesSchema = z.object({
  /** Bonuses may pay at most this share of the eligible (non-excluded) receipt, after discounts. */
  maxShareBasisPoints: basisPoints.default(3_000),
  /** Every line bonuses touch keeps at least this much to pay in money. */
  minPayPerLineKopecks: kopecks.default(100),
  /** Whether the part of a line paid with bonuses also earns bonuses. */
  redeemedPartEarns: z.boolean().default(false),
});
export type RedemptionRules = z.infer<typeof RedemptionRulesSchema>;

/** Tobacco promotion is banned by law (Federal Law 15-FZ, art. 16), so it can never be switched off. */
export const MANDATORY_EXCLUDED_CATEGORY = 'tobacco';

/**
 * A gift certificate sold at the till is a basket line of this category. It is an advance, not a
 * purchase (54-FZ): always excluded, so it earns no bonuses, takes no discount and no bonuses pay it.
 */
export const CERTIFICATE_CATEGORY = 'gift-certificate';

/**
 * How bonuses spent appear on the fiscal receipt (54-FZ): folded into the position prices as a
 * discount, or as a payment of the register's type "other" (ATOL: "other", payment type 4 in its
 * numbered list). A chain setting: the chain's accountant decides how bonuses are booked.
 */
export const FISCAL_BONUS_TREATMENTS = ['discount', 'otherPayment'] as const;
export type FiscalBonusTreatment = (typeof FISCAL_BONUS_TREATMENTS)[number];

export const ProgrammeSchema = z
  .object({
    id,
    version: z.number().int().min(0),
    bonusUnitKopecks: z.number().int().min(1).max(1_000_000).default(100),
    tiers: z.array(TierSchema).min(1).max(50),
    tierPeriodDays: z.number().int().min(1).max(3_660).default(365),
    redemption: RedemptionRulesSchema.default({
      maxShareBasisPoints: 3_000,
      minPayPerLineKopecks: 100,
      redeemedPartEarns: false,
    }),
    /** Lines in any of these categories get no discount, no accrual and no redemption. */
    excludedCategories: z.array(id).max(1_000).default([MANDATORY_EXCLUDED_CATEGORY]),
    /** The most one receipt may be paid by bank card; the till host refuses more (issue 13). Absent: no limit. */
    cardPaymentLimitKopecks: kopecks.optional(),
    /** The most bonuses one customer may spend in 24 hours over all tills; the server refuses more (issue 13). Absent: no cap. */
    dailySpendCapKopecks: kopecks.optional(),
    /** Accrued bonuses wait this long (the return window) before they can be spent. */
    pendingDays: z.number().int().min(0).max(365).default(14),
    /** Bonuses expire this many days after they were earned. */
    expiryDays: z.number().int().min(1).max(3_660).default(365),
    /** The till warns of bonuses burning within this many days ("сгорит 300 бонусов 12 декабря"); absent: 14, 0: never. */
    expiryWarningDays: z.number().int().min(0).max(365).optional(),
    /** Paid to both the referrer and the customer they invited, once, after the newcomer's first purchase (issue 16); absent: none. */
    referralBonusKopecks: kopecks.optional(),
    /** Paid once at registration (offers of type "welcome" may add to it). */
    welcomeBonusKopecks: kopecks.default(0),
    /** Days a welcome bonus waits before it can be spent (nothing to return, so default 0). */
    welcomePendingDays: z.number().int().min(0).max(365).default(0),
    /** Default per-customer budget a till may let a customer spend while it is offline. */
    offlineAllowanceKopecks: kopecks.default(50_000),
    /**
     * Single-use coupons one till may accept while it cannot reach the server, counted until the
     * server confirms their sales (tills offline cannot see each other's uses; a code taken twice
     * is reported on the exceptions report). Absent: no limit.
     */
    offlineSingleUseCoupons: z.number().int().min(0).max(10_000).optional(),
    /**
     * What a customer identified only by a typed phone may spend per sale without an SMS code
     * (offline, or the code not received); absent: 10 000 kopecks (DEFAULT_PHONE_SPEND_ALLOWANCE_KOPECKS).
     */
    phoneSpendAllowanceKopecks: kopecks.optional(),
    /**
     * How the tills' fiscal receipts show bonuses spent (FISCAL_BONUS_TREATMENTS). Absent: the chain
     * has not chosen, and a till keeps the `bonuses` of its device config's fiscal section, whose
     * default is 'discount'; so 'discount' is the default either way, and tills configured before
     * the chain setting existed print as they did until head office chooses.
     */
    fiscalBonuses: z.enum(FISCAL_BONUS_TREATMENTS).optional(),
  })
  .superRefine((p, ctx) => {
    const first = p.tiers[0];
    if (first && first.minSpendKopecks !== 0) {
      ctx.addIssue({ code: 'custom', path: ['tiers', 0, 'minSpendKopecks'], message: 'the first tier must start at 0 so every member has a tier' });
    }
    const seen = new Set<string>();
    p.tiers.forEach((t, i) => {
      if (seen.has(t.id)) ctx.addIssue({ code: 'custom', path: ['tiers', i, 'id'], message: `duplicate tier id "${t.id}"` });
      seen.add(t.id);
      const prev = p.tiers[i - 1];
      if (prev && t.minSpendKopecks <= prev.minSpendKopecks) {
        ctx.addIssue({ code: 'custom', path: ['tiers', i, 'minSpendKopecks'], message: 'tier thresholds must increase strictly' });
      }
    });
    if (!p.excludedCategories.includes(MANDATORY_EXCLUDED_CATEGORY)) {
      ctx.addIssue({
        code: 'custom',
        path: ['excludedCategories'],
        message: `must include "${MANDATORY_EXCLUDED_CATEGORY}" (tobacco promotion is banned by law)`,
      });
    }
    if (p.expiryDays <= p.pendingDays) {
      ctx.addIssue({ code: 'custom', path: ['expiryDays'], message: 'must be longer than pendingDays, or bonuses would expire before they can be spent' });
    }
  });

export type Programme = z.infer<typeof ProgrammeSchema>;
export type ProgrammeInput = z.input<typeof ProgrammeSchema>;

/** Validate programme data from the server; on any error nothing of it is used. */
export function parseProgramme(data: unknown): ParseResult<Programme> {
  return fromZod(ProgrammeSchema.safeParse(data));
}

/** The tier a customer is on given their rolling spend: the highest tier whose threshold is reached. */
export function tierForSpend(programme: Programme, rollingSpend: Kopecks): Tier {
  let chosen = programme.tiers[0];
  for (const tier of programme.tiers) {
    if (rollingSpend >= tier.minSpendKopecks) chosen = tier;
  }
  // parseProgramme guarantees at least one tier starting at 0.
  if (!chosen) throw new RangeError('programme has no tiers');
  return chosen;
}

export const DAY_MS = 86_400_000;

/**
 * Spend over the rolling tier period ending at `nowMs` (exclusive of purchases in the future).
 * The tier is decided before a sale, so the sale being priced never upgrades itself.
 */
export function rollingSpend(purchases: readonly { atMs: number; loyaltySpend: Kopecks }[], nowMs: number, periodDays: number): Kopecks {
  const from = nowMs - periodDays * DAY_MS;
  let sum = 0;
  for (const p of purchases) if (p.atMs > from && p.atMs <= nowMs) sum += p.loyaltySpend;
  return sum;
}
