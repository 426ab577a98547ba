import type { Kopecks } from '../money';
import type { RedemptionRules, Tier } from './programme';
import { allocateKopecks, roundShares } from './alloc';
import { bonuses, explanation, money, percent, type Explanation } from './explain';
import { lineIds, type AppliedEffect, type WorkLine } from './work';

/**
 * Bonuses earned. Each line earns on its base: net after discounts, less the part paid
 * with bonuses unless the programme lets that part earn. Rates add up per line: the tier
 * rate, every extraAccrual offer, and every multiplier offer's (multiplier - 1) x tier rate
 * (a multiplier scales the tier rate only, never other offers).
 *
 * Rounding: the receipt earns floor(sum of base x rate) over all lines and sources together,
 * so the customer loses less than one kopeck per receipt. Each (line, source) pair gets the
 * floor of its exact amount and the kopecks left over go to the largest fractions, so every
 * part is within a kopeck of exact and the parts sum to the receipt's figure.
 * Fixed bonuses are added whole, spread over the offer's lines by net.
 */
export function computeAccrual(args: {
  work: readonly WorkLine[];
  redeemed: readonly Kopecks[];
  tier: Tier;
  rules: RedemptionRules;
  accrualEffects: readonly AppliedEffect[];
  fixedEffects: readonly AppliedEffect[];
  unit: number;
}): { accrued: Kopecks[]; notes: Explanation[] } {
  const { work, tier, unit } = args;
  const n = work.length;
  const accrued: Kopecks[] = new Array<number>(n).fill(0);
  const notes: Explanation[] = [];
  const base = work.map((w, i) => (w.excluded ? 0 : w.net - (args.rules.redeemedPartEarns ? 0 : (args.redeemed[i] ?? 0))));

  // Exact amounts in millionths of a kopeck: base x basis points x 100, or base x tier bp x (multiplier % - 100).
  const numerators: (number | bigint)[] = [];
  const compLine: number[] = [];
  const compSource: number[] = []; // -1 for the tier, k for accrualEffects[k]
  const millionths = (b: number, bp: number, scale: number): number | bigint => {
    const x = b * bp * scale;
    return Number.isSafeInteger(x) ? x : BigInt(b) * BigInt(bp) * BigInt(scale);
  };
  const tierBp = tier.accrualBasisPoints;
  let tierBase = 0;
  const tierLines: number[] = [];
  base.forEach((b, i) => {
    if (b <= 0) return;
    tierBase += b;
    tierLines.push(i);
    if (tierBp === 0) return;
    numerators.push(millionths(b, tierBp, 100));
    compLine.push(i);
    compSource.push(-1);
  });
  args.accrualEffects.forEach((fx, k) => {
    const e = fx.offer.effect;
    for (const i of fx.lines) {
      const b = base[i] ?? 0;
      if (b <= 0) continue;
      if (e.type === 'extraAccrual') numerators.push(millionths(b, e.basisPoints, 100));
      else if (e.type === 'accrualMultiplier') numerators.push(millionths(b, tierBp, e.percent - 100));
      else continue;
      compLine.push(i);
      compSource.push(k);
    }
  });
  const parts = roundShares(numerators, 1_000_000);
  const bySource: number[] = new Array<number>(args.accrualEffects.length).fill(0);
  const linesBySource: Set<number>[] = args.accrualEffects.map(() => new Set<number>());
  let tierTotal = 0;
  parts.forEach((v, k) => {
    const i = compLine[k] ?? 0;
    const s = compSource[k] ?? -1;
    accrued[i] = (accrued[i] ?? 0) + v;
    if (s < 0) tierTotal += v;
    else {
      bySource[s] = (bySource[s] ?? 0) + v;
      linesBySource[s]?.add(i);
    }
  });

  if (tierBase > 0) {
    notes.push(
      explanation(
        'tierAccrual',
        tierTotal,
        lineIds(work, tierLines),
        `Начислено ${bonuses(tierTotal, unit, 'ru')}: уровень «${tier.name.ru}», ${percent(tier.accrualBasisPoints, 'ru')} от ${money(tierBase, 'ru')}`,
        `Earned ${bonuses(tierTotal, unit, 'en')}: tier "${tier.name.en}", ${percent(tier.accrualBasisPoints, 'en')} of ${money(tierBase, 'en')}`,
      ),
    );
  }
  args.accrualEffects.forEach((fx, k) => {
    const o = fx.offer;
    const e = o.effect;
    const rate =
      e.type === 'accrualMultiplier'
        ? { ru: `×${multiplierText(e.percent, ',')}`, en: `×${multiplierText(e.percent, '.')}` }
        : e.type === 'extraAccrual'
          ? { ru: `+${percent(e.basisPoints, 'ru')}`, en: `+${percent(e.basisPoints, 'en')}` }
          : { ru: '', en: '' };
    const amt = bySource[k] ?? 0;
    notes.push(
      explanation(
        'offerAccrual',
        amt,
        lineIds(work, linesBySource[k] ?? []),
        `Дополнительно ${bonuses(amt, unit, 'ru')} по акции «${o.name.ru}» (${rate.ru})`,
        `Extra ${bonuses(amt, unit, 'en')} from "${o.name.en}" (${rate.en})`,
        o.id,
      ),
    );
  });

  for (const fx of args.fixedEffects) {
    const e = fx.offer.effect;
    if (e.type !== 'fixedBonus') continue;
    // Spread by net so that returning part of the goods takes back a fair share.
    let w = fx.lines.map((i) => work[i]?.net ?? 0);
    if (w.every((x) => x === 0)) w = fx.lines.map(() => 1);
    const split = allocateKopecks(e.amountKopecks, w);
    fx.lines.forEach((i, k) => {
      accrued[i] = (accrued[i] ?? 0) + (split[k] ?? 0);
    });
    notes.push(
      explanation(
        'offerFixedBonus',
        e.amountKopecks,
        lineIds(work, fx.lines),
        `Бонус ${bonuses(e.amountKopecks, unit, 'ru')} по акции «${fx.offer.name.ru}»`,
        `Bonus of ${bonuses(e.amountKopecks, unit, 'en')} from "${fx.offer.name.en}"`,
        fx.offer.id,
      ),
    );
  }
  return { accrued, notes };
}

/** 200 -> "2", 150 -> "1,5" / "1.5". */
function multiplierText(pct: number, sep: string): string {
  const whole = Math.floor(pct / 100);
  const frac = String(pct % 100)
    .padStart(2, '0')
    .replace(/0+$/, '');
  return frac === '' ? String(whole) : `${whole}${sep}${frac}`;
}
