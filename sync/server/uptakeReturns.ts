import { cumulativeShare } from '../../core/engine/alloc';
import { allocate, type Kopecks } from '../../core/money';

/**
 * Which part of each offer's discount and bonus cost a return took back (head office's uptake
 * net of returns, figuresRange.ts). Pure: the sale's posted receipt and its returns in the order
 * the server applied them (applyReturn.ts) in, per return and offer what came back out.
 *
 * An offer's effect is one explanation on the posted receipt (amount over the lines it names).
 * It is split over those lines with `allocate` — a discount by each line's discount, a bonus by
 * each line's accrual (by quantity when those are all zero) — so the line shares add up to the
 * offer's amount exactly. A return gives back, per line, the discount and accrual the engine
 * took back (ReturnedLine); the offer's share of a line follows that figure cumulatively, like
 * the engine's own returns: after a return the offer has had back floor(share × takenBackSoFar /
 * lineFigure), minus what earlier returns already gave. So no return gives back more than the
 * offer gave, and returning everything, in any number of steps, gives back exactly its amount.
 */

export const DISCOUNT_CODES: readonly string[] = ['offerDiscount', 'offerFreeItems'];
export const BONUS_CODES: readonly string[] = ['offerAccrual', 'offerFixedBonus'];

export interface SoldLine {
  lineId: string;
  quantityMilli: number;
  discount: Kopecks;
  accrued: Kopecks;
}

export interface OfferEffect {
  code: string;
  offerId?: string;
  amount: Kopecks;
  lineIds: string[];
}

export interface ReturnedLineFigures {
  lineId: string;
  quantityMilli: number;
  /** Discount that went back with the returned quantity. */
  discount: Kopecks;
  /** Accrual taken back with the returned quantity. */
  reversedAccrual: Kopecks;
}

export interface OfferReturned {
  discount: Kopecks;
  bonusCost: Kopecks;
}

interface Share {
  offerId: string;
  kind: 'discount' | 'bonus';
  line: SoldLine;
  amount: Kopecks;
}

/** Each offer effect of a sale spread over the lines it names, adding up to its amount exactly. */
export function offerLineShares(lines: readonly SoldLine[], explanations: readonly OfferEffect[]): Share[] {
  const byId = new Map(lines.map((l) => [l.lineId, l]));
  const shares: Share[] = [];
  for (const e of explanations) {
    if (!e.offerId) continue;
    const kind = DISCOUNT_CODES.includes(e.code) ? 'discount' : BONUS_CODES.includes(e.code) ? 'bonus' : null;
    if (kind === null) continue;
    let named = e.lineIds.flatMap((id) => {
      const l = byId.get(id);
      return l ? [l] : [];
    });
    // An effect naming no line of the receipt belongs to the receipt as a whole.
    if (named.length === 0) named = [...lines];
    if (named.length === 0) continue;
    let weights = named.map((l) => (kind === 'discount' ? l.discount : l.accrued));
    if (weights.every((w) => w === 0)) weights = named.map((l) => l.quantityMilli);
    const parts = e.amount === 0 ? named.map(() => 0) : allocate(e.amount, weights);
    named.forEach((line, k) => shares.push({ offerId: e.offerId as string, kind, line, amount: parts[k] ?? 0 }));
  }
  return shares;
}

/**
 * Per return (same order as `returns`), the offers whose lines it returned and what each took
 * back. An offer appears for a return that returned any line it names, even when its part is 0.
 */
export function offerReturns(
  sale: { lines: readonly SoldLine[]; explanations: readonly OfferEffect[] },
  returns: readonly { lines: readonly ReturnedLineFigures[] }[],
): Map<string, OfferReturned>[] {
  const shares = offerLineShares(sale.lines, sale.explanations);
  const byLine = new Map<string, Share[]>();
  for (const s of shares) {
    const list = byLine.get(s.line.lineId);
    if (list) list.push(s);
    else byLine.set(s.line.lineId, [s]);
  }
  // What earlier returns took back of each line so far.
  const sofar = new Map<string, { quantityMilli: number; discount: number; accrued: number }>();
  // The cumulative part of one share after `taken` of its line has come back.
  const cumulative = (s: Share, taken: { quantityMilli: number; discount: number; accrued: number }): number => {
    const l = s.line;
    if (taken.quantityMilli >= l.quantityMilli) return s.amount;
    const whole = s.kind === 'discount' ? l.discount : l.accrued;
    const part = s.kind === 'discount' ? taken.discount : taken.accrued;
    if (whole > 0) return cumulativeShare(s.amount, Math.min(Math.max(part, 0), whole), whole);
    return cumulativeShare(s.amount, Math.max(taken.quantityMilli, 0), l.quantityMilli);
  };
  return returns.map((ret) => {
    const out = new Map<string, OfferReturned>();
    for (const rl of ret.lines) {
      const before = sofar.get(rl.lineId) ?? { quantityMilli: 0, discount: 0, accrued: 0 };
      const after = {
        quantityMilli: before.quantityMilli + rl.quantityMilli,
        discount: before.discount + rl.discount,
        accrued: before.accrued + rl.reversedAccrual,
      };
      sofar.set(rl.lineId, after);
      for (const s of byLine.get(rl.lineId) ?? []) {
        const step = cumulative(s, after) - cumulative(s, before);
        const row = out.get(s.offerId) ?? { discount: 0, bonusCost: 0 };
        if (s.kind === 'discount') row.discount += step;
        else row.bonusCost += step;
        out.set(s.offerId, row);
      }
    }
    return out;
  });
}
