import { z } from 'zod';

/**
 * Lifecycle segments and RFM scores, computed by the server's segments job from each
 * customer's receipts, with thresholds set by head office. Pure: the job feeds it figures.
 *
 * Lifecycle: `new` (no purchase yet, or the first one within `newDays`), `active` (bought
 * within `activeDays`), `sleeping` (within `lostDays`), `lost` (longer ago). RFM: recency,
 * frequency and monetary scores 1..5, each by four ascending cut points (a score is 1 plus the
 * number of cut points reached; for recency, fewer days since the last purchase score higher).
 */

const cuts = z
  .array(z.number().int().min(0))
  .length(4)
  .refine((c) => c.every((v, i) => i === 0 || v > c[i - 1]!), 'cut points must increase strictly');

export const SegmentRulesSchema = z
  .object({
    newDays: z.number().int().min(1).max(3_660).default(30),
    activeDays: z.number().int().min(1).max(3_660).default(90),
    lostDays: z.number().int().min(1).max(3_660).default(365),
    /** Purchases and spend are counted over this many days back. */
    periodDays: z.number().int().min(1).max(3_660).default(365),
    recencyDays: cuts.default([14, 30, 90, 180]),
    frequency: cuts.default([2, 4, 8, 16]),
    monetaryKopecks: cuts.default([500_000, 1_500_000, 5_000_000, 15_000_000]),
  })
  .refine((r) => r.activeDays < r.lostDays, { path: ['lostDays'], message: 'must be longer than activeDays' });
export type SegmentRules = z.infer<typeof SegmentRulesSchema>;

export const LIFECYCLE = ['new', 'active', 'sleeping', 'lost'] as const;
export type Lifecycle = (typeof LIFECYCLE)[number];

export interface PurchaseFigures {
  /** null: never bought. */
  firstPurchaseMs: number | null;
  lastPurchaseMs: number | null;
  /** Purchases and eligible spend within the rules' period. */
  purchases: number;
  spendKopecks: number;
}

export interface SegmentResult {
  lifecycle: Lifecycle;
  r: number;
  f: number;
  m: number;
  /** The segment ids offers target: the lifecycle and one per score ("r5", "f2", "m3"). */
  segments: string[];
}

const DAY = 86_400_000;

function score(value: number, points: readonly number[]): number {
  return 1 + points.filter((p) => value >= p).length;
}

export function classify(f: PurchaseFigures, rules: SegmentRules, nowMs: number): SegmentResult {
  let lifecycle: Lifecycle;
  if (f.lastPurchaseMs === null || f.firstPurchaseMs === null || nowMs - f.firstPurchaseMs < rules.newDays * DAY) lifecycle = 'new';
  else if (nowMs - f.lastPurchaseMs < rules.activeDays * DAY) lifecycle = 'active';
  else if (nowMs - f.lastPurchaseMs < rules.lostDays * DAY) lifecycle = 'sleeping';
  else lifecycle = 'lost';
  const daysSince = f.lastPurchaseMs === null ? Number.POSITIVE_INFINITY : Math.floor((nowMs - f.lastPurchaseMs) / DAY);
  const r = f.lastPurchaseMs === null ? 1 : 6 - score(daysSince, rules.recencyDays);
  const fr = score(f.purchases, rules.frequency);
  const m = score(f.spendKopecks, rules.monetaryKopecks);
  return { lifecycle, r, f: fr, m, segments: [lifecycle, `r${r}`, `f${fr}`, `m${m}`] };
}

/** Whether a segment id is one the job computes (the rest, set by head office, stay as they are). */
export function isComputedSegment(id: string): boolean {
  return (LIFECYCLE as readonly string[]).includes(id) || /^[rfm][1-5]$/.test(id);
}

/** A customer's segments after the job: head office's own kept, the computed ones replaced. */
export function mergeSegments(current: readonly string[], computed: readonly string[]): string[] {
  return [...current.filter((s) => !isComputedSegment(s)), ...computed];
}
