import type { Kopecks } from '../money';
import { bonuses } from '../engine/explain';

/**
 * The loyalty block printed in the text part of the fiscal receipt (not fiscal data).
 * Russian, as the receipt is; the register wraps long lines at words.
 */
export interface LoyaltyReceiptFacts {
  accruedKopecks: Kopecks;
  redeemedKopecks: Kopecks;
  /** Balance after this sale as the till knows it; null when no card was shown. */
  balanceAfterKopecks: Kopecks | null;
  bonusUnitKopecks: number;
  /** A next-visit message from the offers, already in Russian. */
  message?: string;
}

export function loyaltyTextLines(f: LoyaltyReceiptFacts): string[] {
  if (f.balanceAfterKopecks === null) return f.message ? [f.message] : [];
  const unit = f.bonusUnitKopecks;
  const lines = ['Программа лояльности'];
  if (f.redeemedKopecks > 0) lines.push(`Списано: ${bonuses(f.redeemedKopecks, unit, 'ru')}`);
  lines.push(`Начислено: ${bonuses(f.accruedKopecks, unit, 'ru')}`);
  lines.push(`Баланс: ${bonuses(f.balanceAfterKopecks, unit, 'ru')}`);
  if (f.message) lines.push(f.message);
  return lines;
}
