/**
 * What the manager and head office read from the customers' ratings (1 to 5) of a period: how
 * many answered, the average, and an NPS-style index on the same scale as the Net Promoter Score:
 * 5 is a promoter, 4 passive, 1 to 3 a detractor; the index is the promoters' share less the
 * detractors', in whole percent (-100 to 100), rounded half away from zero. Null without answers.
 */
export interface FeedbackScore {
  answers: number;
  /** The mean rating in hundredths (4.25 is 425), null without answers. */
  averageHundredths: number | null;
  promoters: number;
  passives: number;
  detractors: number;
  index: number | null;
}

/** `counts[r - 1]` answers rated r, for r = 1..5. */
export function feedbackScore(counts: readonly number[]): FeedbackScore {
  const c = [0, 1, 2, 3, 4].map((i) => Math.max(0, Math.trunc(counts[i] ?? 0)));
  const answers = c.reduce((s, n) => s + n, 0);
  const promoters = c[4]!;
  const passives = c[3]!;
  const detractors = c[0]! + c[1]! + c[2]!;
  if (answers === 0) return { answers, averageHundredths: null, promoters, passives, detractors, index: null };
  const sum = c.reduce((s, n, i) => s + n * (i + 1), 0);
  const roundHalfAway = (x: number) => Math.sign(x) * Math.round(Math.abs(x));
  return {
    answers,
    averageHundredths: Math.round((sum * 100) / answers),
    promoters,
    passives,
    detractors,
    index: roundHalfAway(((promoters - detractors) * 100) / answers),
  };
}

/** Counts of several groups added up (a store from its cashiers, a region from its stores). */
export function addCounts(groups: readonly (readonly number[])[]): number[] {
  return [0, 1, 2, 3, 4].map((i) => groups.reduce((s, g) => s + (g[i] ?? 0), 0));
}
