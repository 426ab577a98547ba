import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatWeightLine, parseWeightLine, toGrams, type WeightReading } from './weightLine';

const b = (s: string) => Buffer.from(s, 'latin1');

describe('parseWeightLine', () => {
  it('reads the 18-byte form in kilograms, to the gram', () => {
    expect(parseWeightLine(b('ST,GS,+001.234kg\r'))).toEqual({ ok: true, reading: { status: 'stable', net: false, grams: 1234 } });
    expect(parseWeightLine(b('US,NT,-000.015kg'))).toEqual({ ok: true, reading: { status: 'unstable', net: true, grams: -15 } });
  });

  it('tolerates the variants scales send: spaces, a space or comma before the unit, grams', () => {
    expect(parseWeightLine(b('ST,GS,+  1.234 kg'))).toMatchObject({ ok: true, reading: { grams: 1234 } });
    expect(parseWeightLine(b('ST,GS,   12.5,kg'))).toMatchObject({ ok: true, reading: { grams: 12_500 } });
    expect(parseWeightLine(b('ST,GS,   245.6 g'))).toMatchObject({ ok: true, reading: { grams: 246 } });
    expect(parseWeightLine(b('ST,GS+000.500kg'))).toMatchObject({ ok: true, reading: { grams: 500 } });
  });

  it('reads the 22-byte form with a device number and a lamp byte', () => {
    expect(parseWeightLine(Uint8Array.from([...b('ST,GS,1'), 0xc4, ...b(',+001.234 kg\r')]))).toEqual({
      ok: true,
      reading: { status: 'stable', net: false, grams: 1234 },
    });
  });

  it('an overload says nothing about the weight', () => {
    expect(parseWeightLine(b('OL,GS,--------kg'))).toEqual({ ok: true, reading: { status: 'overload', net: false, grams: null } });
    expect(parseWeightLine(b('OL,GS,'))).toEqual({ ok: true, reading: { status: 'overload', net: false, grams: null } });
  });

  it('refuses other lines, pounds and garbled weights', () => {
    expect(parseWeightLine(b('ST,GS,+002.718lb'))).toEqual({ ok: false, reason: 'unit-not-metric' });
    expect(parseWeightLine(b('XX,GS,+001.234kg'))).toEqual({ ok: false, reason: 'not-a-weight-line' });
    expect(parseWeightLine(b('1.234kg'))).toEqual({ ok: false, reason: 'not-a-weight-line' });
    expect(parseWeightLine(b('ST,GS,+0a1.234kg'))).toEqual({ ok: false, reason: 'bad-weight' });
    expect(parseWeightLine(b('ST,GS,+001.234'))).toEqual({ ok: false, reason: 'bad-weight' });
    expect(parseWeightLine(b('ST,GS,kg'))).toEqual({ ok: false, reason: 'bad-weight' });
    expect(parseWeightLine(b(''))).toEqual({ ok: false, reason: 'not-a-weight-line' });
  });
});

describe('toGrams', () => {
  it('rounds finer readings half up, never through floating point', () => {
    expect(toGrams('0.0005', 3)).toBe(1);
    expect(toGrams('0.0004', 3)).toBe(0);
    expect(toGrams('1.1', 3)).toBe(1100);
    expect(toGrams('-0.0001', 3)).toBe(0);
    expect(toGrams('150', 0)).toBe(150);
    expect(toGrams('.5', 3)).toBe(500);
  });
});

describe('formatWeightLine', () => {
  it('property: what the simulator sends is read back exactly', () => {
    const reading: fc.Arbitrary<WeightReading> = fc.record({
      status: fc.constantFrom('stable' as const, 'unstable' as const),
      net: fc.boolean(),
      grams: fc.integer({ min: -999_999, max: 9_999_999 }),
    });
    fc.assert(
      fc.property(reading, (r) => {
        const line = formatWeightLine(r);
        expect(line.endsWith('\r\n')).toBe(true);
        expect(parseWeightLine(b(line.slice(0, -1)))).toEqual({ ok: true, reading: r });
      }),
    );
  });

  it('property: never throws on any line', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), (u) => void parseWeightLine(u)));
  });
});
