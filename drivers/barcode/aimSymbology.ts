import { gtinValid } from '../../core/luhn';
import type { Symbology } from '../../core/scan';

/**
 * AIM symbology identifiers (ISO/IEC 15424): "]" + code character + modifier character,
 * sent by a scanner in front of the data when programmed to.
 */
export interface AimSplit {
  /** The three-character identifier, e.g. "]E0". */
  aimId: string;
  symbology: Symbology;
  /** The data after the identifier. */
  data: string;
}

/** Code character -> symbology; modifiers refine a few of them. */
export function symbologyFromAim(code: string, modifier: string): Symbology {
  switch (code) {
    case 'E':
      // E4 is EAN-8; E0 is EAN-13 (UPC-A travels as 13 digits with a leading 0); E1-E3 carry add-ons.
      return modifier === '4' ? 'EAN8' : 'EAN13';
    case 'C':
      // C1: FNC1 in the first position, i.e. GS1-128.
      return modifier === '1' ? 'GS1_128' : 'CODE128';
    case 'A':
      return 'CODE39';
    case 'I':
      return 'ITF';
    case 'L':
      return 'PDF417';
    case 'Q':
      return 'QR';
    case 'd':
      return 'DATAMATRIX';
    default:
      return 'UNKNOWN';
  }
}

const AIM = /^\]([A-Za-z])([0-9A-Za-z])/;

/** Splits a leading AIM identifier off `text`; null when there is none. */
export function splitAimId(text: string): AimSplit | null {
  const m = AIM.exec(text);
  if (!m || m[1] === undefined || m[2] === undefined) return null;
  return { aimId: m[0], symbology: symbologyFromAim(m[1], m[2]), data: text.slice(3) };
}

/** With no identifier to go on: EAN-13 and EAN-8 are recognised by length and check digit. */
export function inferSymbology(text: string): Symbology {
  if (/^\d{13}$/.test(text) && gtinValid(text)) return 'EAN13';
  if (/^\d{8}$/.test(text) && gtinValid(text)) return 'EAN8';
  return 'UNKNOWN';
}
