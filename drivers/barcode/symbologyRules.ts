import { gtinValid } from '../../core/luhn';
import type { Symbology } from '../../core/scan';

/**
 * What a barcode of each symbology must look like to be believed. Serial noise and the
 * fragments of a split frame are short or malformed; a real scan of a retail code is not.
 * - EAN-13, EAN-8, UPC-A: exactly their digits with a valid check digit (an EAN/UPC add-on
 *   of 2 or 5 digits may follow). A scanner sending UPC-A as 12 digits under "]E0" gets UPCA.
 * - UPC-E: 6 to 8 digits (scanners send it with or without number system and check digit).
 * - ITF: an even number of digits, at least the minimum length.
 * - Everything else (Code 128, GS1-128, QR, DataMatrix, Code 39, PDF417, unknown): at least
 *   `minLength` characters.
 */
export type BarcodeCheck = { ok: true; symbology: Symbology } | { ok: false; reason: BarcodeRejection };
export type BarcodeRejection = 'too-short' | 'wrong-length' | 'not-digits' | 'bad-check-digit';

export const DEFAULT_MIN_LENGTH = 4;

const ADD_ON = /^(\d{2}|\d{5})?$/;

function gtinWithAddOn(text: string, length: number): BarcodeCheck | null {
  if (!/^\d+$/.test(text)) return { ok: false, reason: 'not-digits' };
  if (text.length < length || !ADD_ON.test(text.slice(length))) return null;
  return gtinValid(text.slice(0, length)) ? { ok: true, symbology: 'EAN13' } : { ok: false, reason: 'bad-check-digit' };
}

export function checkBarcode(symbology: Symbology, text: string, minLength: number = DEFAULT_MIN_LENGTH): BarcodeCheck {
  switch (symbology) {
    case 'EAN13': {
      const ean = gtinWithAddOn(text, 13);
      if (ean) return ean;
      if (/^\d{12}$/.test(text)) return gtinValid(text) ? { ok: true, symbology: 'UPCA' } : { ok: false, reason: 'bad-check-digit' };
      return { ok: false, reason: 'wrong-length' };
    }
    case 'EAN8': {
      const ean = gtinWithAddOn(text, 8);
      return ean ? (ean.ok ? { ok: true, symbology: 'EAN8' } : ean) : { ok: false, reason: 'wrong-length' };
    }
    case 'UPCA': {
      // Some scanners send UPC-A as 13 digits with a leading 0, as EAN-13 does.
      const ean = gtinWithAddOn(text, text.startsWith('0') && text.length >= 13 ? 13 : 12);
      return ean ? (ean.ok ? { ok: true, symbology: 'UPCA' } : ean) : { ok: false, reason: 'wrong-length' };
    }
    case 'UPCE':
      if (!/^\d+$/.test(text)) return { ok: false, reason: 'not-digits' };
      return text.length >= 6 && text.length <= 8 ? { ok: true, symbology } : { ok: false, reason: 'wrong-length' };
    case 'ITF':
      if (!/^\d+$/.test(text)) return { ok: false, reason: 'not-digits' };
      if (text.length < minLength) return { ok: false, reason: 'too-short' };
      return text.length % 2 === 0 ? { ok: true, symbology } : { ok: false, reason: 'wrong-length' };
    default:
      // Counted in code points, so that a short Cyrillic QR text is measured as the cashier reads it.
      return [...text].length >= minLength ? { ok: true, symbology } : { ok: false, reason: 'too-short' };
  }
}
