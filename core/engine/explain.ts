import type { Kopecks } from '../money';
import type { LocalisedText } from './programme';

/**
 * Why the receipt came out as it did, line by line of the cashier's screen. Every entry
 * carries a stable code (for the UI and tests), the offer when there is one, the lines it
 * touched, the amount in kopecks, and the same sentence in Russian and English.
 */
export type ExplanationCode =
  | 'noCustomer'
  | 'excludedCategory'
  | 'tierAccrual'
  | 'offerDiscount'
  | 'offerFreeItems'
  | 'offerAccrual'
  | 'offerFixedBonus'
  | 'offerSkippedExclusive'
  | 'offerSkippedLimit'
  | 'redemption'
  | 'redemptionClamped'
  | 'welcomeBonus'
  | 'returnRefund'
  | 'returnRestoredBonus'
  | 'returnReversedAccrual';

export interface Explanation {
  code: ExplanationCode;
  offerId?: string;
  lineIds: string[];
  /** Kopecks of money or bonuses, as the code says; 0 for pure notices. */
  amount: Kopecks;
  text: LocalisedText;
}

/** Why redemption stopped where it did. */
export type RedemptionLimit = 'balance' | 'offlineAllowance' | 'receiptShare' | 'lineMinimum' | 'noCustomer';

/**
 * Digits grouped by hand rather than with Intl.NumberFormat: it is ~50x faster on a hot
 * path, and the text is then the same on the till's Chromium and the server's Node,
 * whatever ICU data each carries. Russian groups with a no-break space, English with a comma.
 */
function group(whole: number, lang: 'ru' | 'en'): string {
  const digits = String(whole);
  if (digits.length <= 3) return digits;
  const sep = lang === 'ru' ? '\u00a0' : ',';
  let out = '';
  for (let end = digits.length; end > 0; end -= 3) {
    const chunk = digits.slice(Math.max(0, end - 3), end);
    out = out === '' ? chunk : `${chunk}${sep}${out}`;
  }
  return out;
}

function decimal(whole: number, hundredths: number, lang: 'ru' | 'en', negative: boolean): string {
  const sep = lang === 'ru' ? ',' : '.';
  return `${negative ? '−' : ''}${group(whole, lang)}${sep}${hundredths < 10 ? '0' : ''}${hundredths}`;
}

/** Kopecks as "1 234,50 ₽" / "₽1,234.50". */
export function money(k: Kopecks, lang: 'ru' | 'en'): string {
  const abs = Math.abs(k);
  const text = decimal(Math.floor(abs / 100), abs % 100, lang, false);
  const sign = k < 0 ? '−' : '';
  return lang === 'ru' ? `${sign}${text} ₽` : `${sign}₽${text}`;
}

/** Bonus kopecks in display bonuses (bonusUnitKopecks kopecks each), always two decimals. */
export function bonuses(k: Kopecks, unit: number, lang: 'ru' | 'en'): string {
  const abs = Math.abs(k);
  const whole = Math.floor(abs / unit);
  const hundredths = Math.floor(((abs % unit) * 100) / unit);
  // Russian takes the genitive singular after a fraction ("61,70 бонуса"), and we always show one.
  return `${decimal(whole, hundredths, lang, k < 0)} ${lang === 'ru' ? 'бонуса' : 'bonuses'}`;
}

export function percent(bp: number, lang: 'ru' | 'en'): string {
  const whole = Math.floor(bp / 100);
  const frac = bp % 100;
  const sep = lang === 'ru' ? ',' : '.';
  const num = frac === 0 ? String(whole) : `${whole}${sep}${String(frac).padStart(2, '0').replace(/0$/, '')}`;
  return lang === 'ru' ? `${num}\u00a0%` : `${num}%`;
}

export function explanation(code: ExplanationCode, amount: Kopecks, lineIds: string[], ru: string, en: string, offerId?: string): Explanation {
  const e: Explanation = { code, lineIds, amount, text: { ru, en } };
  if (offerId !== undefined) e.offerId = offerId;
  return e;
}

export const limitText: Record<RedemptionLimit, LocalisedText> = {
  balance: { ru: 'больше нет доступных бонусов', en: 'that is all the available bonuses' },
  offlineAllowance: {
    ru: 'без связи с сервером можно списать не больше офлайн-лимита',
    en: 'the till is offline, so spending is held to the offline allowance',
  },
  receiptShare: { ru: 'бонусами можно оплатить не больше установленной доли чека', en: 'bonuses may pay only a set share of the receipt' },
  lineMinimum: {
    ru: 'по каждой позиции нужно доплатить минимальную сумму деньгами',
    en: 'every line must keep a minimum to pay in money',
  },
  noCustomer: { ru: 'покупатель не идентифицирован', en: 'no loyalty member is identified' },
};
