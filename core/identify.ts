import { gtinValid } from './luhn';
import { normalisePhone } from './phone';
import { decodeScaleBarcode, scaleRuleFor, type ScaleBarcodeSettings } from './scaleBarcode';

/**
 * What a scanned or typed string means at the till. Loyalty cards are EAN-13 in the
 * GS1 in-store range with the chain's prefix; everything else is decided by shape.
 */
export type Identified =
  | { kind: 'loyaltyCard'; cardNumber: string }
  | { kind: 'phone'; e164: string }
  | { kind: 'product'; gtin: string }
  /**
   * A label from the store's scales (core/scaleBarcode.ts): the item code to look up, and
   * exactly one of the weight in grams or the label's price in kopecks. `barcode` is the
   * whole code, for the receipt line and returns.
   */
  | { kind: 'weighedProduct'; barcode: string; itemCode: string; grams?: number; priceKopecks?: number }
  | { kind: 'receipt'; receiptNo: string }
  | { kind: 'unknown'; text: string; reason: 'empty' | 'badCheckDigit' | 'unrecognised' };

export interface IdentifyOptions {
  /** Leading digits that mark the chain's loyalty cards (default "27"). */
  cardPrefix?: string;
  /**
   * The chain's scale barcode layouts. Without them an in-store EAN-13 is a plain product.
   * Loyalty cards are recognised first, so a scale prefix must differ from the card prefix.
   */
  scaleBarcodes?: ScaleBarcodeSettings;
}

export const DEFAULT_CARD_PREFIX = '27';
// Receipt barcodes: "R-", the till's prefix, a dash and the receipt's own part (see sync/client/ids).
const RECEIPT = /^R-?([A-Z0-9]{4,12}-[A-Z0-9]{1,12})$/i;

export function identify(raw: string, options: IdentifyOptions = {}): Identified {
  const prefix = options.cardPrefix ?? DEFAULT_CARD_PREFIX;
  const text = raw.trim();
  if (text === '') return { kind: 'unknown', text, reason: 'empty' };
  const receipt = RECEIPT.exec(text);
  if (receipt?.[1]) return { kind: 'receipt', receiptNo: receipt[1].toUpperCase() };
  if (/^\d+$/.test(text)) {
    if (text.length === 13 && text.startsWith(prefix)) {
      return gtinValid(text) ? { kind: 'loyaltyCard', cardNumber: text } : { kind: 'unknown', text, reason: 'badCheckDigit' };
    }
    if (options.scaleBarcodes && scaleRuleFor(text, options.scaleBarcodes)) {
      const scale = decodeScaleBarcode(text, options.scaleBarcodes);
      if (scale.ok) {
        const v = scale.value;
        return v.kind === 'weight'
          ? { kind: 'weighedProduct', barcode: text, itemCode: v.itemCode, grams: v.grams }
          : { kind: 'weighedProduct', barcode: text, itemCode: v.itemCode, priceKopecks: v.priceKopecks };
      }
      return { kind: 'unknown', text, reason: scale.reason === 'badCheckDigit' ? 'badCheckDigit' : 'unrecognised' };
    }
    if ([8, 12, 13, 14].includes(text.length)) {
      if (gtinValid(text)) return { kind: 'product', gtin: text };
      if (text.length !== 12 && text.length !== 10 && text.length !== 11) return { kind: 'unknown', text, reason: 'badCheckDigit' };
    }
  }
  // Phones: digits with optional +, spaces, brackets and dashes; 10 or 11 digits for Russia.
  if (/^[+\d\s()-]+$/.test(text)) {
    const digits = text.replace(/\D/g, '');
    if (digits.length >= 10 && digits.length <= 12) {
      const phone = normalisePhone(text);
      if (phone.ok) return { kind: 'phone', e164: phone.e164 };
    }
  }
  return { kind: 'unknown', text, reason: 'unrecognised' };
}
