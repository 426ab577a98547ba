import { describe, expect, it } from 'vitest';
import { gtinCheckDigit, gtinValid, luhnValid } from './luhn';

describe('card number checks', () => {
  it('accepts valid bank card numbers and rejects a single-digit typo', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('5500005555555559')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnValid('41111x1111111111')).toBe(false);
  });

  it('checks EAN-13 and EAN-8 digits', () => {
    expect(gtinValid('4600682000013')).toBe(true);
    expect(gtinValid('4600682000014')).toBe(false);
    expect(gtinValid('4006381333931')).toBe(true);
    expect(gtinValid('96385074')).toBe(true);
    expect(gtinCheckDigit('400638133393')).toBe(1);
    expect(gtinValid('400638133393')).toBe(false);
  });
});
