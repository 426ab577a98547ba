import type { Kopecks } from '../money';
import type { PricedLine, PricedReceipt } from './pricing';
import { cumulativeShare } from './alloc';
import { bonuses, explanation, money, type Explanation } from './explain';
import { EngineInputError } from './result';

/**
 * Returns of whole or partial lines. Each amount of a line (discount, money paid, bonuses
 * spent, bonuses earned) is handed back in proportion to the quantity returned, computed
 * cumulatively: after this return the customer has had floor(X * returnedSoFar / sold),
 * minus what earlier returns already gave. Returning a line completely, in any number of
 * steps, therefore gives back exactly X: no kopeck and no bonus is lost or made up.
 * Fixed bonuses and N-for-M discounts were spread over the offer's lines at sale, so they
 * come back proportionally too.
 */
export interface ReturnLineRequest {
  lineId: string;
  /** Thousandths, like the sale: whole pieces (multiples of 1000) unless the line is weighed. */
  quantityMilli: number;
}

export interface ReturnedLine {
  lineId: string;
  quantityMilli: number;
  /** Money back to the customer. */
  refund: Kopecks;
  /** The discount that went with the returned quantity (for the fiscal receipt). */
  discount: Kopecks;
  /** Bonuses spent on the returned quantity, given back. */
  restoredBonus: Kopecks;
  /** Bonuses earned on the returned quantity, taken back. */
  reversedAccrual: Kopecks;
}

export interface ReturnResult {
  receiptId: string;
  customerId: string | null;
  lines: ReturnedLine[];
  totals: { refund: Kopecks; discount: Kopecks; restoredBonus: Kopecks; reversedAccrual: Kopecks };
  /** True when, with this return, every line of the receipt has come back. */
  receiptFullyReturned: boolean;
  explanations: Explanation[];
}

/**
 * Price a return against the original receipt. `previousReturns` are the earlier returns of
 * the same receipt (their quantities are what matter). Invalid requests throw EngineInputError.
 */
export function priceReturn(original: PricedReceipt, linesToReturn: readonly ReturnLineRequest[], previousReturns: readonly ReturnResult[] = []): ReturnResult {
  const byId = new Map<string, PricedLine>(original.lines.map((l) => [l.lineId, l]));
  const already = new Map<string, number>();
  previousReturns.forEach((r, k) => {
    if (r.receiptId !== original.receiptId) {
      throw new EngineInputError(`previousReturns.${k}.receiptId`, `belongs to receipt "${r.receiptId}", not "${original.receiptId}"`);
    }
    for (const l of r.lines) already.set(l.lineId, (already.get(l.lineId) ?? 0) + l.quantityMilli);
  });
  if (linesToReturn.length === 0) throw new EngineInputError('lines', 'nothing to return');

  const seen = new Set<string>();
  const lines: ReturnedLine[] = [];
  linesToReturn.forEach((req, k) => {
    const path = `lines.${k}`;
    const sold = byId.get(req.lineId);
    if (!sold) throw new EngineInputError(`${path}.lineId`, `receipt "${original.receiptId}" has no line "${req.lineId}"`);
    if (seen.has(req.lineId)) throw new EngineInputError(`${path}.lineId`, `line "${req.lineId}" is listed twice`);
    seen.add(req.lineId);
    const q = req.quantityMilli;
    if (!Number.isSafeInteger(q) || q <= 0) throw new EngineInputError(`${path}.quantityMilli`, 'must be a positive whole number of thousandths');
    if (!sold.weighed && q % 1000 !== 0) throw new EngineInputError(`${path}.quantityMilli`, 'pieces are returned whole (multiples of 1000)');
    const before = already.get(req.lineId) ?? 0;
    const after = before + q;
    if (after > sold.quantityMilli) {
      throw new EngineInputError(
        `${path}.quantityMilli`,
        `only ${sold.quantityMilli - before} of ${sold.quantityMilli} thousandths are left to return on line "${req.lineId}"`,
      );
    }
    const step = (total: Kopecks): Kopecks => cumulativeShare(total, after, sold.quantityMilli) - cumulativeShare(total, before, sold.quantityMilli);
    lines.push({
      lineId: req.lineId,
      quantityMilli: q,
      refund: step(sold.payable),
      discount: step(sold.discount),
      restoredBonus: step(sold.redeemed),
      reversedAccrual: step(sold.accrued),
    });
  });

  const totals = { refund: 0, discount: 0, restoredBonus: 0, reversedAccrual: 0 };
  for (const l of lines) {
    totals.refund += l.refund;
    totals.discount += l.discount;
    totals.restoredBonus += l.restoredBonus;
    totals.reversedAccrual += l.reversedAccrual;
  }
  for (const l of lines) already.set(l.lineId, (already.get(l.lineId) ?? 0) + l.quantityMilli);
  const receiptFullyReturned = original.lines.every((l) => (already.get(l.lineId) ?? 0) === l.quantityMilli);

  const unit = original.bonusUnitKopecks;
  const ids = lines.map((l) => l.lineId);
  const explanations: Explanation[] = [
    explanation('returnRefund', totals.refund, ids, `К возврату деньгами: ${money(totals.refund, 'ru')}`, `Refund in money: ${money(totals.refund, 'en')}`),
  ];
  if (totals.restoredBonus > 0) {
    explanations.push(
      explanation(
        'returnRestoredBonus',
        totals.restoredBonus,
        ids,
        `Возвращено на счёт ${bonuses(totals.restoredBonus, unit, 'ru')}, списанных при покупке`,
        `${bonuses(totals.restoredBonus, unit, 'en')} spent on these items go back to the account`,
      ),
    );
  }
  if (totals.reversedAccrual > 0) {
    explanations.push(
      explanation(
        'returnReversedAccrual',
        totals.reversedAccrual,
        ids,
        `Отменено ${bonuses(totals.reversedAccrual, unit, 'ru')}, начисленных за эти товары`,
        `${bonuses(totals.reversedAccrual, unit, 'en')} earned on these items are taken back`,
      ),
    );
  }
  return { receiptId: original.receiptId, customerId: original.customerId, lines, totals, receiptFullyReturned, explanations };
}
