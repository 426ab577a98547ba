import type { Kopecks } from '../money';
import type { BasketLine } from './input';
import type { Offer } from './offers';

/** A basket line while it is being priced: discounts are applied to it in priority order. */
export interface WorkLine {
  readonly line: BasketLine;
  readonly amount: Kopecks;
  discount: Kopecks;
  net: Kopecks;
  readonly excluded: boolean;
  readonly offerIds: string[];
}

/** An offer that applied, with the lines (indexes into the basket) it touched. */
export interface AppliedEffect {
  readonly offer: Offer;
  readonly lines: readonly number[];
}

export function lineIds(work: readonly WorkLine[], idx: Iterable<number>): string[] {
  const out: string[] = [];
  for (const i of idx) {
    const w = work[i];
    if (w) out.push(w.line.lineId);
  }
  return out;
}
