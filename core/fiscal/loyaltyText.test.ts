import { describe, expect, it } from 'vitest';
import { loyaltyTextLines, nextVisitMessage } from './loyaltyText';

describe('the next-visit line on the receipt', () => {
  const soldAt = Date.parse('2026-12-07T16:30:00Z');

  it('tells the customer from when the bonuses just earned can be spent, in the store clock', () => {
    // 14 days pending (the programme default); Moscow is UTC+3.
    expect(nextVisitMessage(1_234, soldAt, 14, 'Europe/Moscow')).toBe('Начисленные бонусы можно потратить с 21.12.2026 19:30. Ждём вас снова!');
    // Vladivostok (UTC+10): the same instant is already the next day there.
    expect(nextVisitMessage(1_234, soldAt, 14, 'Asia/Vladivostok')).toBe('Начисленные бонусы можно потратить с 22.12.2026 02:30. Ждём вас снова!');
  });

  it('says nothing when the sale earned nothing, and "next purchase" when bonuses are spendable at once', () => {
    expect(nextVisitMessage(0, soldAt, 14, 'Europe/Moscow')).toBeUndefined();
    expect(nextVisitMessage(500, soldAt, 0, 'Europe/Moscow')).toBe('Начисленные бонусы можно потратить при следующей покупке. Ждём вас снова!');
  });

  it('closes the loyalty block', () => {
    const message = nextVisitMessage(1_000, soldAt, 7, 'Europe/Moscow')!;
    expect(loyaltyTextLines({ accruedKopecks: 1_000, redeemedKopecks: 0, balanceAfterKopecks: 3_000, bonusUnitKopecks: 100, message })).toEqual([
      'Программа лояльности',
      'Начислено: 10,00 бонуса',
      'Баланс: 30,00 бонуса',
      'Начисленные бонусы можно потратить с 14.12.2026 19:30. Ждём вас снова!',
    ]);
  });
});
