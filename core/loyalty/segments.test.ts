import { describe, expect, it } from 'vitest';
import { classify, mergeSegments, SegmentRulesSchema } from './segments';

const rules = SegmentRulesSchema.parse({});
const DAY = 86_400_000;
const now = 1_000 * DAY;

describe('lifecycle segments and RFM', () => {
  it('names a customer new, active, sleeping or lost by their purchases', () => {
    const at = (first: number | null, last: number | null) =>
      classify({ firstPurchaseMs: first, lastPurchaseMs: last, purchases: 1, spendKopecks: 0 }, rules, now).lifecycle;
    expect(at(null, null)).toBe('new');
    expect(at(now - 10 * DAY, now - 10 * DAY)).toBe('new');
    expect(at(now - 200 * DAY, now - 10 * DAY)).toBe('active');
    expect(at(now - 400 * DAY, now - 100 * DAY)).toBe('sleeping');
    expect(at(now - 900 * DAY, now - 400 * DAY)).toBe('lost');
  });

  it('scores recency, frequency and spend 1 to 5 by head office’s cut points', () => {
    const best = classify({ firstPurchaseMs: now - 300 * DAY, lastPurchaseMs: now - DAY, purchases: 20, spendKopecks: 20_000_000 }, rules, now);
    expect([best.r, best.f, best.m]).toEqual([5, 5, 5]);
    expect(best.segments).toEqual(['active', 'r5', 'f5', 'm5']);
    const weak = classify({ firstPurchaseMs: now - 300 * DAY, lastPurchaseMs: now - 200 * DAY, purchases: 1, spendKopecks: 100 }, rules, now);
    expect([weak.r, weak.f, weak.m]).toEqual([1, 1, 1]);
  });

  it('keeps segments head office set by hand and replaces the computed ones', () => {
    expect(mergeSegments(['vip', 'sleeping', 'r2'], ['active', 'r5', 'f1', 'm1'])).toEqual(['vip', 'active', 'r5', 'f1', 'm1']);
  });

  it('refuses thresholds that do not make sense', () => {
    expect(SegmentRulesSchema.safeParse({ activeDays: 400, lostDays: 300 }).success).toBe(false);
    expect(SegmentRulesSchema.safeParse({ frequency: [3, 2, 4, 5] }).success).toBe(false);
  });
});
