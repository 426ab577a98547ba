import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_QUANTITY_MILLI, parseKilograms, parseProductEntry, parseQuantity } from './productEntry';

describe('product field entry', () => {
  it('reads a plain code, a prefix alone and a prefix with a code', () => {
    expect(parseProductEntry(' 4601234567890 ')).toEqual({ kind: 'code', code: '4601234567890', quantityMilli: null });
    expect(parseProductEntry('3*')).toEqual({ kind: 'prefix', quantityMilli: 3_000 });
    expect(parseProductEntry('3*p00001')).toEqual({ kind: 'code', code: 'p00001', quantityMilli: 3_000 });
    expect(parseProductEntry('1,250*')).toEqual({ kind: 'prefix', quantityMilli: 1_250 });
  });

  it('refuses a zero, a negative, letters, four decimals or more than a line may hold', () => {
    for (const bad of ['0*', '-1*', 'a*', '1,2345*', '*']) expect(parseProductEntry(bad)).toEqual({ kind: 'bad', reason: 'badQuantity' });
    expect(parseProductEntry('1000*')).toEqual({ kind: 'bad', reason: 'tooMuch' });
  });

  it('weights are typed in kilograms with up to 3 decimals and kept as whole grams', () => {
    expect(parseKilograms('0,456')).toBe(456);
    expect(parseKilograms('1.2')).toBe(1_200);
    expect(parseKilograms('0,0005')).toBeNull();
    expect(parseKilograms('0')).toBeNull();
    expect(parseKilograms('1 кг')).toBeNull();
  });

  it('any kilograms with 3 decimals read back exactly (no float rounding)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_QUANTITY_MILLI }), fc.constantFrom(',', '.'), (milli, sep) => {
        const text = `${Math.floor(milli / 1000)}${sep}${String(milli % 1000).padStart(3, '0')}`;
        expect(parseQuantity(text)).toBe(milli);
      }),
    );
  });
});
