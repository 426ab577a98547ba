import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { identify } from './identify';
import { encodeScaleBarcode, ScaleBarcodeSettings } from './scaleBarcode';

describe('identify', () => {
  it('recognises a loyalty card by the chain prefix and check digit', () => {
    expect(identify('2700000000014')).toEqual({ kind: 'loyaltyCard', cardNumber: '2700000000014' });
    expect(identify(' 2700000000014 ')).toEqual({ kind: 'loyaltyCard', cardNumber: '2700000000014' });
  });

  it('flags a mistyped card number instead of searching for it', () => {
    expect(identify('2700000000015')).toEqual({ kind: 'unknown', text: '2700000000015', reason: 'badCheckDigit' });
  });

  it('honours another chain prefix', () => {
    expect(identify('2700000000014', { cardPrefix: '29' }).kind).toBe('product');
  });

  it('reads phones in the ways people type them', () => {
    expect(identify('8 916 000-00-42')).toEqual({ kind: 'phone', e164: '+79160000042' });
    expect(identify('+7 (916) 000 00 42')).toEqual({ kind: 'phone', e164: '+79160000042' });
    expect(identify('9160000042')).toEqual({ kind: 'phone', e164: '+79160000042' });
  });

  it('tells products and receipts from customers', () => {
    expect(identify('4006381333931')).toEqual({ kind: 'product', gtin: '4006381333931' });
    expect(identify('R-T1A2-000123')).toEqual({ kind: 'receipt', receiptNo: 'T1A2-000123' });
    expect(identify('r-8b08edda-mh2k1z3a')).toEqual({ kind: 'receipt', receiptNo: '8B08EDDA-MH2K1Z3A' });
  });

  it('gives up clearly on noise', () => {
    expect(identify('')).toMatchObject({ kind: 'unknown', reason: 'empty' });
    expect(identify('hello')).toMatchObject({ kind: 'unknown', reason: 'unrecognised' });
    expect(identify('12345')).toMatchObject({ kind: 'unknown' });
  });

  describe('scale barcodes', () => {
    const scaleBarcodes = ScaleBarcodeSettings.parse({
      prefixes: {
        '22': { kind: 'weight', itemDigits: 5, valueDigits: 5 },
        '23': { kind: 'price', itemDigits: 5, valueDigits: 5 },
        '27': { kind: 'weight', itemDigits: 5, valueDigits: 5 },
      },
    });

    it('are weighed products when the chain has scale settings', () => {
      const weight = encodeScaleBarcode(scaleBarcodes, '22', '42', 1_250);
      expect(identify(weight, { scaleBarcodes })).toEqual({ kind: 'weighedProduct', barcode: weight, itemCode: '00042', grams: 1_250 });
      const price = encodeScaleBarcode(scaleBarcodes, '23', '42', 18_990);
      expect(identify(price, { scaleBarcodes })).toEqual({ kind: 'weighedProduct', barcode: price, itemCode: '00042', priceKopecks: 18_990 });
    });

    it('are plain products without settings, as before', () => {
      const weight = encodeScaleBarcode(scaleBarcodes, '22', '42', 1_250);
      expect(identify(weight)).toEqual({ kind: 'product', gtin: weight });
      expect(identify('2100042012509', { scaleBarcodes }).kind).toBe('product');
    });

    it('a wrong check digit or an empty label is refused, never guessed', () => {
      expect(identify('2200042012501', { scaleBarcodes })).toMatchObject({ kind: 'unknown', reason: 'badCheckDigit' });
      expect(identify('2200042000008', { scaleBarcodes })).toMatchObject({ kind: 'unknown', reason: 'unrecognised' });
    });

    it('the loyalty card prefix wins over a scale prefix configured the same', () => {
      expect(identify('2700000000014', { scaleBarcodes })).toEqual({ kind: 'loyaltyCard', cardNumber: '2700000000014' });
    });

    it('property: settings change only how in-store codes of their prefixes are read', () => {
      fc.assert(
        fc.property(fc.oneof(fc.string({ maxLength: 16 }), fc.stringMatching(/^\d{8,14}$/)), (text) => {
          const plain = identify(text);
          const withScale = identify(text, { scaleBarcodes });
          const scalePrefix = /^(22|23)\d{11}$/.test(text.trim());
          if (!scalePrefix) expect(withScale).toEqual(plain);
          else expect(['weighedProduct', 'unknown']).toContain(withScale.kind);
        }),
      );
    });
  });
});
