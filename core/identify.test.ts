import { describe, expect, it } from 'vitest';
import { identify } from './identify';

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
});
