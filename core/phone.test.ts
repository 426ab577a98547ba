import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countryCallingCode, formatPhoneAsTyped, isValidE164, maskPhone, normalisePhone } from './phone';

describe('normalisePhone', () => {
  it.each([
    ['+7 916 123-45-67', '+79161234567'],
    ['8 (916) 123 45 67', '+79161234567'],
    ['89161234567', '+79161234567'],
    ['9161234567', '+79161234567'],
    ['+7-916-123-45-67', '+79161234567'],
    ['+375 29 123-45-67', '+375291234567'],
  ])('reads %s as %s', (input, e164) => {
    expect(normalisePhone(input)).toEqual({ ok: true, e164 });
  });

  it.each(['12345', '+7 000 000-00-00', 'ten digits', '8916123456789', '+7 916 123-45-6x'])('rejects %s', (input) => {
    expect(normalisePhone(input).ok).toBe(false);
  });

  it('says empty for blank input', () => {
    expect(normalisePhone('  ')).toEqual({ ok: false, reason: 'empty' });
  });

  it('never throws, whatever is typed', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => {
        const r = normalisePhone(s);
        if (r.ok) expect(r.e164).toMatch(/^\+\d{8,15}$/);
      }),
    );
  });
});

describe('isValidE164 (full metadata, as the server judges a registration)', () => {
  it.each(['+79161234567', '+79990001199', '+74951234567', '+77012345678', '+375291234567', '+12025550123'])('accepts %s', (e164) => {
    expect(isValidE164(e164)).toBe(true);
  });

  // Shaped like E.164, but no such numbers: an unassigned range, a digit short, no country 8.
  it.each(['+70000000000', '+7916123456', '+89161234567', '+441632960123', '79161234567', '+7 916 123 45 67', '+7916123456789', '', '+'])(
    'refuses %s',
    (e164) => {
      expect(isValidE164(e164)).toBe(false);
    },
  );

  it('agrees with normalisePhone: what the till accepts, the server accepts', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^(\+7|8|\+375|\+77)?[0-9]{7,11}$/), (typed) => {
        const r = normalisePhone(typed);
        if (r.ok) expect(isValidE164(r.e164)).toBe(true);
      }),
    );
  });
});

describe('maskPhone', () => {
  it('shows only the last two digits', () => {
    expect(maskPhone('+79161234567')).toBe('+7 *** ***-**-67');
    expect(maskPhone('+79161234567')).not.toContain('45');
  });

  it('keeps the whole country calling code, however long', () => {
    expect(maskPhone('+375291234567')).toBe('+375 *** ***-**-67');
    expect(maskPhone('+77012345678')).toBe('+7 *** ***-**-78');
    expect(maskPhone('+12025550123')).toBe('+1 *** ***-**-23');
    expect(maskPhone('+995551234567')).toBe('+995 *** ***-**-67');
    expect(countryCallingCode('+375291234567')).toBe('375');
    expect(countryCallingCode('+4916012345678')).toBe('49');
  });

  it('never shows more than the country code and the last two digits', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\+[1-9][0-9]{7,14}$/), (e164) => {
        const masked = maskPhone(e164);
        const shown = masked.replace(/\D/g, '');
        const code = countryCallingCode(e164);
        if (code !== null) expect(masked.startsWith(`+${code} `)).toBe(true);
        expect(shown.length).toBe((code ?? 'x').length + 2);
        expect(shown.endsWith(e164.slice(-2))).toBe(true);
      }),
    );
  });
});

describe('formatPhoneAsTyped', () => {
  it('shows a Russian number as it is typed, whatever the cashier starts with', () => {
    expect(formatPhoneAsTyped('8916')).toBe('+7 916');
    expect(formatPhoneAsTyped('89161234567')).toBe('+7 916 123-45-67');
    expect(formatPhoneAsTyped('916123')).toBe('+7 916 123');
    expect(formatPhoneAsTyped('+7 (916) 123-45-6')).toBe('+7 916 123-45-6');
    expect(formatPhoneAsTyped('+7916123456789')).toBe('+7 916 123-45-67');
    expect(normalisePhone(formatPhoneAsTyped('89161234567'))).toEqual({ ok: true, e164: '+79161234567' });
  });
});
