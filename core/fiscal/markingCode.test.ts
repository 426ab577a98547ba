import { describe, expect, it } from 'vitest';
import { markingMatchesProduct, parseMarkingCode } from './markingCode';

const GS = '\u001d';
// A cigarette pack code: GTIN, serial, MRP price (8005), crypto tail (93).
const PACK = `0104600000000072215Fq&pN${GS}8005123000${GS}93AbCd`;

describe('parseMarkingCode', () => {
  it('reads the GTIN of a DataMatrix code, with or without separators and the symbology prefix', () => {
    expect(parseMarkingCode(PACK)).toEqual({ code: PACK, gtin: '04600000000072' });
    expect(parseMarkingCode(`]d2${PACK}`)?.code).toBe(PACK);
    expect(parseMarkingCode(PACK.replaceAll(GS, ''))?.gtin).toBe('04600000000072');
  });

  it('refuses what cannot be a marking code: an EAN, a receipt number, control characters', () => {
    expect(parseMarkingCode('4600000000072')).toBeNull();
    expect(parseMarkingCode('R-ABCDEF123')).toBeNull();
    expect(parseMarkingCode('010460000000007221abc')).toBeNull();
    expect(parseMarkingCode(`0104600000000072215Fq&pN\u0007x`)).toBeNull();
  });

  it('matches the product whose EAN is in the GTIN, and no other', () => {
    const m = parseMarkingCode(PACK)!;
    expect(markingMatchesProduct(m, '4600000000072')).toBe(true);
    expect(markingMatchesProduct(m, '4600000000089')).toBe(false);
    expect(markingMatchesProduct(m, null)).toBe(false);
  });
});
