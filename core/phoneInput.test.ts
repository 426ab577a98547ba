import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPhoneField, validPhone } from './phoneInput';

describe('validPhone', () => {
  it('reads a number typed the Russian way and the international way alike', () => {
    expect(validPhone('8 916 123-45-67')).toBe('+79161234567');
    expect(validPhone('+7 (916) 123-45-67')).toBe('+79161234567');
    expect(validPhone('+375 29 123-45-67')).toBe('+375291234567');
    // "8" typed after a "+7 " already in the field is the trunk prefix, not a digit of the number.
    expect(validPhone('+7 8 916 123-45-67')).toBe('+79161234567');
  });

  it('refuses numbers of the right shape that no operator issues, and wrong lengths', () => {
    for (const bad of ['+7 000 000-00-00', '+7 916 123-45-6', '+7 916 123-45-678', '+89161234567', '']) expect(validPhone(bad)).toBeNull();
  });
});

describe('formatPhoneField', () => {
  it('keeps the 8 the cashier typed instead of gluing +7 in front of it', () => {
    const typed = formatPhoneField('89161234567');
    expect(typed.startsWith('8')).toBe(true);
    expect(validPhone(typed)).toBe('+79161234567');
  });

  it('never changes which digits were typed, whatever is typed', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[+\d ()-]{0,20}$/), (typed) => {
        expect(formatPhoneField(typed).replace(/\D/g, '')).toBe(typed.replace(/\D/g, '').slice(0, 24));
      }),
    );
  });
});
