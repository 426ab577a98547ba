import type { RegisterShiftTotals } from '../../protocol/fiscal';
import type { ShiftTotals } from '../returns';

/** One figure of the shift on which the till's journal and the register's counters disagree. */
export interface ShiftMismatch {
  /** Which figure: sales or returns, and its count or money by payment method. */
  figure: `${'sales' | 'returns'}.${'count' | 'cash' | 'card'}`;
  till: number;
  register: number;
}

/**
 * The till's own fiscalised sales and returns in a shift against the register's counters for it
 * (getShiftTotals): every figure that differs. Empty when they agree. Bonuses recorded as payment
 * type "other" are the register's alone, so they are not compared; a shift the register has moved
 * past (a different number) is not compared at all.
 */
export function shiftMismatches(till: ShiftTotals, register: RegisterShiftTotals, shiftNumber: number): ShiftMismatch[] {
  if (register.shiftNumber !== shiftNumber) return [];
  const out: ShiftMismatch[] = [];
  const pairs = [
    ['sales', till.sales, register.sell],
    ['returns', till.returns, register.sellReturn],
  ] as const;
  for (const [side, ours, theirs] of pairs) {
    const figures = [
      ['count', ours.count, theirs.count],
      ['cash', ours.cash, theirs.cashKopecks],
      ['card', ours.card, theirs.cardKopecks],
    ] as const;
    for (const [what, a, b] of figures) if (a !== b) out.push({ figure: `${side}.${what}`, till: a, register: b });
  }
  return out;
}
