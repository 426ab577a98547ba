import type { Kopecks } from '../money';
import { bonuses } from '../engine/explain';
import { DAY_MS } from '../engine/programme';
import { toLocal } from '../engine/time';

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
  /** A next-visit message (see nextVisitMessage), already in Russian. */
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

const two = (n: number) => String(n).padStart(2, '0');

/**
 * The next-visit line: when the bonuses this sale earned can be spent. The programme keeps them
 * pending for pendingDays from the sale (core/engine/lots.ts makeLot), so the line names that
 * moment in the store's calendar and clock. Nothing when the sale earned nothing.
 */
export function nextVisitMessage(accruedKopecks: Kopecks, soldAtMs: number, pendingDays: number, timeZone: string): string | undefined {
  if (accruedKopecks <= 0) return undefined;
  if (pendingDays <= 0) return 'Начисленные бонусы можно потратить при следующей покупке. Ждём вас снова!';
  const at = toLocal({ kind: 'instant', instant: new Date(soldAtMs + pendingDays * DAY_MS).toISOString(), timeZone });
  return `Начисленные бонусы можно потратить с ${two(at.day)}.${two(at.month)}.${at.year} ${two(at.hour)}:${two(at.minute)}. Ждём вас снова!`;
}
