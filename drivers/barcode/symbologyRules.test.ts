import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { gtinCheckDigit } from '../../core/luhn';
import { checkBarcode } from './symbologyRules';

describe('checkBarcode', () => {
  it('EAN-13: exactly 13 digits with a valid check digit (an add-on may follow)', () => {
    expect(checkBarcode('EAN13', '4006381333931')).toEqual({ ok: true, symbology: 'EAN13' });
    expect(checkBarcode('EAN13', '400638133393112')).toEqual({ ok: true, symbology: 'EAN13' });
    expect(checkBarcode('EAN13', '4006381333932')).toEqual({ ok: false, reason: 'bad-check-digit' });
    expect(checkBarcode('EAN13', '40063813339')).toEqual({ ok: false, reason: 'wrong-length' });
    expect(checkBarcode('EAN13', '40063813339311')).toEqual({ ok: false, reason: 'wrong-length' });
    expect(checkBarcode('EAN13', '400638133393A')).toEqual({ ok: false, reason: 'not-digits' });
  });

  it('EAN-13 with 12 digits is UPC-A sent without its leading 0', () => {
    expect(checkBarcode('EAN13', '036000291452')).toEqual({ ok: true, symbology: 'UPCA' });
    expect(checkBarcode('EAN13', '036000291453')).toEqual({ ok: false, reason: 'bad-check-digit' });
  });

  it('EAN-8 and UPC-A', () => {
    expect(checkBarcode('EAN8', '96385074')).toEqual({ ok: true, symbology: 'EAN8' });
    expect(checkBarcode('EAN8', '96385075')).toEqual({ ok: false, reason: 'bad-check-digit' });
    expect(checkBarcode('EAN8', '9638507')).toEqual({ ok: false, reason: 'wrong-length' });
    expect(checkBarcode('UPCA', '036000291452')).toEqual({ ok: true, symbology: 'UPCA' });
    expect(checkBarcode('UPCA', '0036000291452')).toEqual({ ok: true, symbology: 'UPCA' });
    expect(checkBarcode('UPCA', '03600029145')).toEqual({ ok: false, reason: 'wrong-length' });
  });

  it('free-length symbologies need the minimum length, counted in characters', () => {
    expect(checkBarcode('CODE128', 'ABC')).toEqual({ ok: false, reason: 'too-short' });
    expect(checkBarcode('CODE128', 'ABCD')).toEqual({ ok: true, symbology: 'CODE128' });
    expect(checkBarcode('QR', 'Привет', 6)).toEqual({ ok: true, symbology: 'QR' });
    expect(checkBarcode('UNKNOWN', '}')).toEqual({ ok: false, reason: 'too-short' });
    expect(checkBarcode('DATAMATRIX', '0104600439931256', 20)).toEqual({ ok: false, reason: 'too-short' });
  });

  it('ITF: an even number of digits; UPC-E: 6 to 8 digits', () => {
    expect(checkBarcode('ITF', '12345678')).toEqual({ ok: true, symbology: 'ITF' });
    expect(checkBarcode('ITF', '1234567')).toEqual({ ok: false, reason: 'wrong-length' });
    expect(checkBarcode('UPCE', '0123456')).toEqual({ ok: true, symbology: 'UPCE' });
    expect(checkBarcode('UPCE', '01234')).toEqual({ ok: false, reason: 'wrong-length' });
  });

  it('property: every valid EAN-13 passes, and every single-digit change of one fails', () => {
    const body = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 12, maxLength: 12 }).map((d) => d.join(''));
    fc.assert(
      fc.property(body, fc.nat(12), fc.integer({ min: 1, max: 9 }), (b, pos, delta) => {
        const code = b + String(gtinCheckDigit(b));
        expect(checkBarcode('EAN13', code).ok).toBe(true);
        const changed = code.slice(0, pos) + String((Number(code[pos]) + delta) % 10) + code.slice(pos + 1);
        expect(checkBarcode('EAN13', changed)).toEqual({ ok: false, reason: 'bad-check-digit' });
      }),
    );
  });
});
