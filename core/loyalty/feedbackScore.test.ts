import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addCounts, feedbackScore } from './feedbackScore';

describe('feedback score', () => {
  it('ten answers: five 5s, two 4s, three 1-3s give an average of 3.9 and an index of +20', () => {
    expect(feedbackScore([1, 1, 1, 2, 5])).toEqual({ answers: 10, averageHundredths: 390, promoters: 5, passives: 2, detractors: 3, index: 20 });
    expect(feedbackScore([0, 0, 0, 0, 0])).toMatchObject({ answers: 0, averageHundredths: null, index: null });
    expect(feedbackScore([3, 0, 0, 0, 0]).index).toBe(-100);
    expect(feedbackScore([0, 0, 0, 0, 4]).index).toBe(100);
  });

  it('the index stays within -100..100 and a whole adds up from its parts', () => {
    const counts = fc.array(fc.nat({ max: 1_000 }), { minLength: 5, maxLength: 5 });
    fc.assert(
      fc.property(fc.array(counts, { minLength: 1, maxLength: 6 }), (groups) => {
        const whole = feedbackScore(addCounts(groups));
        expect(whole.answers).toBe(groups.reduce((s, g) => s + feedbackScore(g).answers, 0));
        if (whole.index !== null) expect(Math.abs(whole.index)).toBeLessThanOrEqual(100);
        if (whole.averageHundredths !== null) expect(whole.averageHundredths).toBeGreaterThanOrEqual(100);
      }),
    );
  });
});
