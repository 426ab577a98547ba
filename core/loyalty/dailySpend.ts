import { bonuses, explanation, type Explanation } from '../engine/explain';

/**
 * The chain's daily spend cap at the till (issue 13): the most bonuses one customer may spend in
 * 24 hours. The server counts every till; a till offline sees only its own sales, so it holds the
 * customer to the cap less what they spent here in the last 24 hours, instead of learning of the
 * cap only when the server refuses the sale afterwards.
 */
export const DAY_MS = 86_400_000;

/** A redemption this till made: when, and how many bonus kopecks. */
export interface RecentRedemption {
  atMs: number;
  kopecks: number;
}

/** What the customer may still spend now: the cap less this till's redemptions in the 24 hours before `nowMs`. */
export function dailySpendLeft(capKopecks: number, recent: readonly RecentRedemption[], nowMs: number): number {
  let spent = 0;
  for (const r of recent) if (r.atMs > nowMs - DAY_MS && r.atMs <= nowMs) spent += r.kopecks;
  return Math.max(0, capKopecks - spent);
}

/** The line the sale screen shows when the cap holds spending back, in both languages. */
export function dailyCapNote(capKopecks: number, leftKopecks: number, unit: number): Explanation {
  return explanation(
    'redemptionClamped',
    leftKopecks,
    [],
    `За сутки можно списать не больше ${bonuses(capKopecks, unit, 'ru')}; сегодня осталось ${bonuses(leftKopecks, unit, 'ru')}`,
    `At most ${bonuses(capKopecks, unit, 'en')} may be spent in 24 hours; ${bonuses(leftKopecks, unit, 'en')} left today`,
  );
}
