import type { Kopecks } from '../money';
import type { Tier } from './programme';
import type { Customer, Store } from './input';
import type { LocalDateTime } from './time';
import { allocateKopecks, percentOfFast } from './alloc';
import { filterMatches, limitReached, offerOpenTo, type CompiledFilter, type CompiledOffer, type OfferIndex } from './eligibility';
import { explanation, money, percent, type Explanation } from './explain';
import { lineIds, type AppliedEffect, type WorkLine } from './work';

/**
 * Which offers apply to a basket, and the discounts they give.
 *
 * Offers are walked in priority order (priority desc, then id). Conditions are judged on
 * the basket before any discount, so the order never changes whether an offer triggers.
 * Stacking is per line: an exclusive offer takes only lines no earlier offer touched and
 * then keeps them; any other offer skips lines an exclusive offer holds. Non-exclusive
 * effects on one line add up (discounts compound on what is left of the line).
 */
export interface StackingResult {
  appliedOffers: { id: string; version: number }[];
  /** extraAccrual and accrualMultiplier offers, settled once redemption is known. */
  accrualEffects: AppliedEffect[];
  fixedEffects: AppliedEffect[];
  notes: Explanation[];
}

export function applyOffers(args: {
  index: OfferIndex;
  work: WorkLine[];
  store: Store;
  local: LocalDateTime;
  customer: Customer;
  tier: Tier;
  usage: Readonly<Record<string, number>>;
}): StackingResult {
  const { work } = args;
  const n = work.length;
  const targets = reachableOffers(args);
  let eligibleSubtotal = 0;
  for (const w of work) if (!w.excluded) eligibleSubtotal += w.amount;

  const basketHas = (f: CompiledFilter): boolean => work.some((w) => !w.excluded && filterMatches(f, w.line.productId, w.line.categories));

  const result: StackingResult = { appliedOffers: [], accrualEffects: [], fixedEffects: [], notes: [] };
  const touched = new Uint8Array(n);
  const locked = new Uint8Array(n);
  // Priority order; ranks are small integers, so a native typed-array sort orders them.
  const ranks = new Int32Array(targets.size);
  let k = 0;
  for (const c of targets.keys()) ranks[k++] = c.rank;
  ranks.sort();
  const candidates: CompiledOffer[] = [];
  for (const r of ranks) {
    const c = args.index.offers[r];
    if (c) candidates.push(c);
  }
  for (const c of candidates) {
    const o = c.offer;
    const targeted = targets.get(c) ?? [];
    const cond = o.conditions;
    if (cond.minReceiptKopecks !== undefined && eligibleSubtotal < cond.minReceiptKopecks) continue;
    if (c.requires && !basketHas(c.requires)) continue;
    if (cond.minQuantityMilli !== undefined) {
      let q = 0;
      for (const i of targeted) q += work[i]?.line.quantityMilli ?? 0;
      if (q < cond.minQuantityMilli) continue;
    }
    // Lines this offer may still take (see stacking rules above).
    const free: number[] = [];
    for (const i of targeted) if (locked[i] === 0 && (!o.exclusive || touched[i] === 0)) free.push(i);
    if (free.length === 0) {
      result.notes.push(
        explanation(
          'offerSkippedExclusive',
          0,
          lineIds(work, targeted),
          `Акция «${o.name.ru}» не суммируется с другой акцией на эти товары`,
          `Offer "${o.name.en}" does not combine with another offer on these items`,
          o.id,
        ),
      );
      continue;
    }
    if (limitReached(o, args.usage)) {
      result.notes.push(
        explanation(
          'offerSkippedLimit',
          0,
          lineIds(work, free),
          `Акция «${o.name.ru}» уже использована максимальное число раз`,
          `Offer "${o.name.en}" has already been used the maximum number of times`,
          o.id,
        ),
      );
      continue;
    }
    const hit = applyEffect(c, free, work, result);
    if (hit.length === 0) continue;
    for (const i of hit) {
      touched[i] = 1;
      if (o.exclusive) locked[i] = 1;
      work[i]?.offerIds.push(o.id);
    }
    result.appliedOffers.push({ id: o.id, version: o.version });
  }
  return result;
}

/**
 * Offers the basket's eligible lines can reach through the index, each with its target
 * lines, keeping only those open to this customer here and now. Cost grows with lines
 * times the offers that name their products or categories, not with the whole catalogue.
 */
function reachableOffers(args: {
  index: OfferIndex;
  work: WorkLine[];
  store: Store;
  local: LocalDateTime;
  customer: Customer;
  tier: Tier;
}): Map<CompiledOffer, readonly number[]> {
  const { index, work } = args;
  const gate = new Map<CompiledOffer, boolean>();
  const targets = new Map<CompiledOffer, number[]>();
  const reach = (c: CompiledOffer, i: number): void => {
    let open = gate.get(c);
    if (open === undefined) {
      open = offerOpenTo(c, args.store, args.local, args.customer, args.tier);
      gate.set(c, open);
    }
    if (!open) return;
    const list = targets.get(c);
    if (!list) targets.set(c, [i]);
    else if (list[list.length - 1] !== i) list.push(i); // a line can reach an offer twice (product and category)
  };
  const eligible: number[] = [];
  work.forEach((w, i) => {
    if (w.excluded) return;
    eligible.push(i);
    const byP = index.byProduct.get(w.line.productId);
    if (byP) for (const c of byP) reach(c, i);
    for (const cat of w.line.categories) {
      const byC = index.byCategory.get(cat);
      if (byC) for (const c of byC) reach(c, i);
    }
  });
  // Whole-basket offers are judged once, not once per line.
  if (eligible.length > 0) {
    for (const c of index.everyLine) if (offerOpenTo(c, args.store, args.local, args.customer, args.tier)) targets.set(c, eligible);
  }
  return targets;
}

/** Apply one offer's effect to its free lines; returns the lines it actually touched. */
function applyEffect(c: CompiledOffer, free: number[], work: WorkLine[], result: StackingResult): number[] {
  const o = c.offer;
  const e = o.effect;
  switch (e.type) {
    case 'percentDiscount': {
      const hit: number[] = [];
      let total = 0;
      for (const i of free) {
        const w = work[i];
        if (!w) continue;
        const d = percentOfFast(w.net, e.basisPoints);
        if (d <= 0) continue;
        w.discount += d;
        w.net -= d;
        total += d;
        hit.push(i);
      }
      if (total > 0) {
        result.notes.push(
          explanation(
            'offerDiscount',
            total,
            lineIds(work, hit),
            `Скидка ${percent(e.basisPoints, 'ru')} по акции «${o.name.ru}»: −${money(total, 'ru')}`,
            `${percent(e.basisPoints, 'en')} off with "${o.name.en}": −${money(total, 'en')}`,
            o.id,
          ),
        );
      }
      return hit;
    }
    case 'nForM':
      return applyNForM(c, e.buy, e.pay, free, work, result);
    case 'extraAccrual':
    case 'accrualMultiplier': {
      const hit = free.filter((i) => (work[i]?.net ?? 0) > 0);
      if (hit.length > 0) result.accrualEffects.push({ offer: o, lines: hit });
      return hit;
    }
    case 'fixedBonus':
      result.fixedEffects.push({ offer: o, lines: free });
      return free;
    case 'welcome':
    case 'nextOrderCoupon':
      return []; // indexOffers keeps welcome and next-order offers out of sale pricing
  }
}

/**
 * Buy `buy`, pay for `pay`: of all target pieces, floor(count / buy) x (buy - pay) of the
 * cheapest (at shelf price) are free. The free value is then spread over every target
 * line by net, so returning some of the items later refunds a fair share, not the free one
 * at full price. Weighed lines do not take part.
 */
function applyNForM(c: CompiledOffer, buy: number, pay: number, free: number[], work: WorkLine[], result: StackingResult): number[] {
  const o = c.offer;
  const pieces = free.filter((i) => {
    const w = work[i];
    return w !== undefined && !w.line.weighed && w.net > 0;
  });
  let units = 0;
  for (const i of pieces) units += (work[i]?.line.quantityMilli ?? 0) / 1000;
  const freeCount = Math.floor(units / buy) * (buy - pay);
  if (freeCount === 0) return [];
  const price = (i: number): Kopecks => work[i]?.line.unitPriceKopecks ?? 0;
  const cheapestFirst = [...pieces].sort((a, b) => price(a) - price(b) || a - b);
  let left = freeCount;
  let value = 0;
  for (const i of cheapestFirst) {
    const take = Math.min(left, (work[i]?.line.quantityMilli ?? 0) / 1000);
    value += take * price(i);
    left -= take;
    if (left === 0) break;
  }
  const weights = pieces.map((i) => work[i]?.net ?? 0);
  value = Math.min(
    value,
    weights.reduce((s, w) => s + w, 0),
  ); // never more than is left to pay
  if (value <= 0) return [];
  const parts = allocateKopecks(value, weights);
  pieces.forEach((i, k) => {
    const w = work[i];
    if (!w) return;
    const d = parts[k] ?? 0;
    w.discount += d;
    w.net -= d;
  });
  result.notes.push(
    explanation(
      'offerFreeItems',
      value,
      lineIds(work, pieces),
      `Акция «${o.name.ru}» (${buy} по цене ${pay}): бесплатно ${freeCount} шт., −${money(value, 'ru')}, скидка распределена по товарам акции`,
      `Offer "${o.name.en}" (${buy} for ${pay}): ${freeCount} free, −${money(value, 'en')}, spread over the offer's items`,
      o.id,
    ),
  );
  return pieces;
}
