import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { gtinValid } from './luhn';
import { decodeScaleBarcode, encodeScaleBarcode, ScaleBarcodeSettings, scalePrefixConflicts, type ScaleBarcodeRule } from './scaleBarcode';

const settings = ScaleBarcodeSettings.parse({
  prefixes: {
    '22': { kind: 'weight', itemDigits: 5, valueDigits: 5 },
    '23': { kind: 'price', itemDigits: 5, valueDigits: 5 },
    '24': { kind: 'weight', itemDigits: 6, valueDigits: 4, unit: 10 },
  },
});

describe('scale barcodes', () => {
  it('decodes weight labels: prefix, 5-digit item code, grams, check digit', () => {
    // 22 00042 01250 + check: 1.250 kg of item 42.
    const code = encodeScaleBarcode(settings, '22', '42', 1250);
    expect(code).toMatch(/^220004201250\d$/);
    expect(decodeScaleBarcode(code, settings)).toEqual({ ok: true, value: { kind: 'weight', barcode: code, prefix: '22', itemCode: '00042', grams: 1250 } });
  });

  it('decodes price labels in kopecks', () => {
    const code = encodeScaleBarcode(settings, '23', '7', 34_990);
    expect(decodeScaleBarcode(code, settings)).toEqual({
      ok: true,
      value: { kind: 'price', barcode: code, prefix: '23', itemCode: '00007', priceKopecks: 34_990 },
    });
  });

  it("applies the unit and the chain's split of item and value digits", () => {
    const code = encodeScaleBarcode(settings, '24', '123456', 5_430);
    expect(code.slice(0, 12)).toBe('241234560543');
    expect(decodeScaleBarcode(code, settings)).toMatchObject({ ok: true, value: { itemCode: '123456', grams: 5_430 } });
  });

  it('refuses a wrong check digit, an unconfigured prefix, a zero value and other shapes', () => {
    const code = encodeScaleBarcode(settings, '22', '42', 1250);
    const wrong = code.slice(0, 12) + String((Number(code[12]) + 1) % 10);
    expect(decodeScaleBarcode(wrong, settings)).toEqual({ ok: false, reason: 'badCheckDigit' });
    expect(decodeScaleBarcode('2500042012505', settings)).toEqual({ ok: false, reason: 'notScaleBarcode' });
    expect(decodeScaleBarcode('4006381333931', settings)).toEqual({ ok: false, reason: 'notScaleBarcode' });
    expect(decodeScaleBarcode('220004201250', settings)).toEqual({ ok: false, reason: 'notScaleBarcode' });
    expect(decodeScaleBarcode('2200042000008', settings)).toEqual({ ok: false, reason: 'zeroValue' });
  });

  it('settings are validated: prefixes 20-29, 10 digits between prefix and check digit', () => {
    expect(ScaleBarcodeSettings.safeParse({ prefixes: { '19': { kind: 'weight', itemDigits: 5, valueDigits: 5 } } }).success).toBe(false);
    expect(ScaleBarcodeSettings.safeParse({ prefixes: { '22': { kind: 'weight', itemDigits: 5, valueDigits: 4 } } }).success).toBe(false);
    expect(ScaleBarcodeSettings.safeParse({ prefixes: { '22': { kind: 'volume', itemDigits: 5, valueDigits: 5 } } }).success).toBe(false);
    expect(ScaleBarcodeSettings.safeParse({ prefixes: {} }).success).toBe(true);
  });

  it('encode refuses what a label could not carry', () => {
    expect(() => encodeScaleBarcode(settings, '21', '1', 1)).toThrow(RangeError);
    expect(() => encodeScaleBarcode(settings, '22', '123456', 1)).toThrow(RangeError);
    expect(() => encodeScaleBarcode(settings, '22', '1', 100_000)).toThrow(RangeError);
    expect(() => encodeScaleBarcode(settings, '22', '1', 0)).toThrow(RangeError);
    expect(() => encodeScaleBarcode(settings, '24', '1', 15)).toThrow(RangeError);
  });

  it('names the prefixes a loyalty card prefix would shadow', () => {
    expect(scalePrefixConflicts(settings, '27')).toEqual([]);
    expect(scalePrefixConflicts(settings, '22')).toEqual(['22']);
    expect(scalePrefixConflicts(settings, '2')).toEqual(['22', '23', '24']);
  });

  const rule: fc.Arbitrary<ScaleBarcodeRule> = fc
    .record({
      kind: fc.constantFrom('weight' as const, 'price' as const),
      itemDigits: fc.integer({ min: 1, max: 9 }),
      unit: fc.constantFrom(1 as const, 10 as const, 100 as const, 1000 as const),
    })
    .map((r) => ({ ...r, valueDigits: 10 - r.itemDigits }));
  const prefix = fc.integer({ min: 20, max: 29 }).map(String);

  it('property: what is encoded decodes to the same item and value', () => {
    fc.assert(
      fc.property(prefix, rule, fc.nat(), fc.nat(), (p, r, itemSeed, valueSeed) => {
        const s: ScaleBarcodeSettings = { prefixes: { [p]: r } };
        const item = String(itemSeed % 10 ** r.itemDigits);
        const value = ((valueSeed % (10 ** r.valueDigits - 1)) + 1) * r.unit;
        const code = encodeScaleBarcode(s, p, item, value);
        expect(code).toHaveLength(13);
        expect(gtinValid(code)).toBe(true);
        const decoded = decodeScaleBarcode(code, s);
        expect(decoded.ok).toBe(true);
        if (!decoded.ok) return;
        expect(decoded.value.itemCode).toBe(item.padStart(r.itemDigits, '0'));
        expect(decoded.value.kind === 'weight' ? decoded.value.grams : decoded.value.priceKopecks).toBe(value);
      }),
    );
  });

  it('property: any one mistyped digit is caught, never read as another weight or item', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 99_999 }),
        fc.integer({ min: 1, max: 99_999 }),
        fc.nat(12),
        fc.integer({ min: 1, max: 9 }),
        (item, grams, pos, delta) => {
          const code = encodeScaleBarcode(settings, '22', String(item), grams);
          const typo = code.slice(0, pos) + String((Number(code[pos]) + delta) % 10) + code.slice(pos + 1);
          expect(decodeScaleBarcode(typo, settings).ok).toBe(false);
        },
      ),
    );
  });

  it('property: never throws, and whatever it accepts is a positive integer within the label', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 20 }), fc.stringMatching(/^2\d{12}$/)), (text) => {
        const r = decodeScaleBarcode(text, settings);
        if (!r.ok) return;
        const v = r.value.kind === 'weight' ? r.value.grams : r.value.priceKopecks;
        expect(Number.isSafeInteger(v) && v > 0 && v <= 99_999 * 10).toBe(true);
        expect(gtinValid(text)).toBe(true);
      }),
    );
  });
});
