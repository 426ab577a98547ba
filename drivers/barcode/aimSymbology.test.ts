import { describe, expect, it } from 'vitest';
import { inferSymbology, splitAimId } from './aimSymbology';

describe('AIM symbology identifiers', () => {
  it.each([
    [']E04006381333931', 'EAN13', '4006381333931'],
    [']E496385074', 'EAN8', '96385074'],
    [']C0ABC-123', 'CODE128', 'ABC-123'],
    [']C10104012345678901', 'GS1_128', '0104012345678901'],
    [']Q1https://example.org', 'QR', 'https://example.org'],
    [']d2010460043993125621JgXJ5.T', 'DATAMATRIX', '010460043993125621JgXJ5.T'],
    [']A0CODE39', 'CODE39', 'CODE39'],
    [']I012345678', 'ITF', '12345678'],
    [']L2pdf', 'PDF417', 'pdf'],
    [']e00100012345678905', 'UNKNOWN', '0100012345678905'],
  ] as const)('%s -> %s', (input, symbology, data) => {
    expect(splitAimId(input)).toEqual({ aimId: input.slice(0, 3), symbology, data });
  });

  it('is absent when the text does not start with one', () => {
    expect(splitAimId('4006381333931')).toBeNull();
    expect(splitAimId(']')).toBeNull();
    expect(splitAimId(']E')).toBeNull();
    expect(splitAimId('] 0x')).toBeNull();
  });
});

describe('inferSymbology', () => {
  it('recognises EAN-13 and EAN-8 by length and check digit', () => {
    expect(inferSymbology('4006381333931')).toBe('EAN13');
    expect(inferSymbology('96385074')).toBe('EAN8');
  });
  it('says UNKNOWN for a wrong check digit or other shapes', () => {
    expect(inferSymbology('4006381333932')).toBe('UNKNOWN');
    expect(inferSymbology('96385075')).toBe('UNKNOWN');
    expect(inferSymbology('ABC-123')).toBe('UNKNOWN');
    expect(inferSymbology('400638133393')).toBe('UNKNOWN');
  });
});
