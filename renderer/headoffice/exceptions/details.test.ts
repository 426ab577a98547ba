import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { formatRoubles } from '../../../core/money';
import { en } from '../locales/en';
import { ru } from '../locales/ru';
import { exceptionDetails } from './details';

async function words(lng: 'ru' | 'en') {
  const i = i18next.createInstance();
  await i.init({
    resources: { ru: { translation: ru }, en: { translation: en } },
    lng,
    fallbackLng: 'ru',
    interpolation: { escapeValue: false },
    showSupportNotice: false,
  });
  const locale = lng === 'en' ? 'en-GB' : 'ru-RU';
  return (kind: string, details: Record<string, unknown>) =>
    exceptionDetails(
      kind,
      details,
      (k, o) => i.t(k, o),
      (k) => i.exists(k),
      (v) => formatRoubles(v, locale),
    );
}
const rub = (k: number) => formatRoubles(k, 'ru-RU');

describe('exceptions report details', () => {
  it('word what the server recorded in Russian: amounts as money, customer and cashier numbers as numbers, codes as words', async () => {
    const say = await words('ru');
    expect(say('registration_unconfirmed_phone', { duplicateOf: 2001 })).toBe('телефон уже у покупателя №: 2001');
    expect(say('overdraft', { receiptId: '000123', redeemed: 25_341, shortfall: 5_000, balanceAfter: -5_000 })).toBe(
      `чек: 000123; списано: ${rub(25_341)}; сверх баланса: ${rub(5_000)}; баланс после: ${rub(-5_000)}`,
    );
    expect(say('cashier_unknown', { receiptId: '000124', cashierId: 999 })).toBe('чек: 000124; кассир: 999');
    expect(say('rejected_event', { code: 'totals_inconsistent', type: 'sale' })).toBe('причина: суммы чека не сходятся; событие: продажа');
    expect(say('rejected_event', { code: 'some_future_code', type: 'someday' })).toBe('причина: другая причина; событие: другое');
    expect(say('coupon_refused', { receiptId: '7', code: 'ABC123', reason: 'used', redeemedBy: '42', offline: true })).toBe(
      'чек: 7; купон: ABC123; причина: купон уже использован; купон уже у покупателя №: 42',
    );
    expect(say('certificate_conflict', { receiptId: '8', code: 'GC1', move: 'redemption', reason: 'insufficient' })).toBe(
      'чек: 8; сертификат: GC1; операция: оплата сертификатом; причина: на сертификате не хватает денег',
    );
    expect(say('customers_merged', { action: 'merge', requestId: 'f0e1', from: '12', into: '7', moved: 1_500, reason: 'одна и та же Вера' })).toBe(
      `из покупателя №: 12; в покупателя №: 7; перенесено: ${rub(1_500)}; причина: одна и та же Вера`,
    );
    expect(say('manager_unlock_locked', { maxFailures: 5, windowSeconds: 900 })).toBe('неверных попыток: 5; за секунд: 900');
  });

  it('never shows a key the table does not know, nor a raw English key in Russian', async () => {
    const say = await words('ru');
    expect(say('spend_identity_unknown', { receiptId: '9', redeemed: 100, method: 'unknown', someNewField: 3 })).toBe(`чек: 9; списано: ${rub(100)}`);
    const everything = say('payment_mismatch', { receiptId: '1', payable: 100, paid: 90 }) + say('accrual_clamped', { till: 1, server: 2, posted: 1 });
    expect(everything).not.toMatch(/[A-Za-z]/);
  });

  it('speak English when head office is switched to it', async () => {
    const say = await words('en');
    expect(say('registration_unconfirmed_phone', { duplicateOf: 2001 })).toBe('phone already held by customer no.: 2001');
    expect(say('rejected_event', { code: 'totals_inconsistent', type: 'sale' })).toBe('reason: the receipt totals do not add up; event: sale');
  });
});
