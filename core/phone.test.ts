import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPhoneAsTyped, maskPhone, normalisePhone } from './phone';

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
    fc.assert(fc.property(fc.string({ maxLength: 40 }), (s) => {
      const r = normalisePhone(s);
      if (r.ok) expect(r.e164).toMatch(/^\+\d{8,15}$/);
    }));
  });
});

describe('maskPhone', () => {
  it('shows only the last four digits', () => {
    expect(maskPhone('+79161234567')).toBe('+7 *** ***-45-67');
    expect(maskPhone('+79161234567')).not.toContain('916');
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
