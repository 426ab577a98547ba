import { describe, it, expect } from 'vitest';
import { formatRoubles } from '../money';
import { bonuses, money, percent } from './explain';

describe('explanation number formats', () => {
  it.each([0, 5, 99, 100, 123_456, 100_000_000, 123_456_789_012])('roubles match core/money formatting for %i kopecks', (k) => {
    expect(money(k, 'ru')).toBe(formatRoubles(k, 'ru-RU'));
    expect(money(-k, 'ru')).toBe(formatRoubles(-k, 'ru-RU'));
  });

  it('writes English amounts with the sign first and comma groups', () => {
    expect(money(123_456_789, 'en')).toBe('₽1,234,567.89');
    expect(money(-5, 'en')).toBe('−₽0.05');
  });

  it('shows bonuses in the programme’s unit', () => {
    expect(bonuses(6_175, 100, 'ru')).toBe('61,75 бонуса');
    expect(bonuses(6_175, 10, 'en')).toBe('617.50 bonuses'); // 1 bonus = 10 kopecks
    expect(bonuses(150_000, 100, 'ru')).toBe('1\u00a0500,00 бонуса');
  });

  it('prints rates from basis points', () => {
    expect(percent(500, 'ru')).toBe('5\u00a0%');
    expect(percent(1_250, 'en')).toBe('12.5%');
    expect(percent(5, 'en')).toBe('0.05%');
  });
});
