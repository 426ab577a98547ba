import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gtinCheckDigit, gtinValid, luhnValid } from '../../core/luhn';
import { holdsCardNumber } from './cardNumbers';
import { demoCardNumber } from './demoSeed';
import { MAX_BODY_DEPTH, screenValue } from './textScreen';

/** A Luhn-valid number of `length` digits starting with `prefix` (IIN-like). */
function withLuhn(body: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(`${body}${d}`)) return `${body}${d}`;
  throw new Error('unreachable');
}
const pan = fc
  .tuple(fc.constantFrom('4', '51', '55', '2200', '2202', '2720', '34', '37', '62', '6011', '35'), fc.integer({ min: 13, max: 19 }))
  .chain(([prefix, length]) => fc.stringMatching(new RegExp(`^[0-9]{${length - prefix.length - 1}}$`)).map((rest) => withLuhn(`${prefix}${rest}`)));

/** How card numbers arrive in text: plain, grouped by fours, in a track, inside a name or a note. */
const written = (p: string) =>
  fc.constantFrom(
    p,
    p.replace(/(\d{4})(?=\d)/g, '$1 '),
    p.replace(/(\d{4})(?=\d)/g, '$1-'),
    `%B${p}^IVANOV/IVAN^2912101`,
    `;${p}=2912101?`,
    `${p}=2912`,
    `Иван ${p}`,
    `name${p}tail`,
  );

const text = fc.string({ maxLength: 12, unit: fc.constantFrom(...'abcxyzАБВ .,-_/:'.split('')) });

describe('card numbers in text', () => {
  it('finds every Luhn-valid 13-19 digit number, however it is written and wherever it sits', () => {
    fc.assert(
      fc.property(pan.chain(written), text, text, (middle, before, after) => {
        expect(holdsCardNumber(`${before} ${middle} ${after}`)).toBe(true);
        // Alone in a field, a number that is also a valid EAN-13 is taken for a product or loyalty code.
        if (!(middle.length === 13 && gtinValid(middle))) expect(holdsCardNumber(middle)).toBe(true);
      }),
      { numRuns: 1_000 },
    );
  });

  it('leaves alone what the server holds by design: EAN-13 product codes and loyalty cards, uuids, dates, phones, short numbers, lookup keys', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: 0, max: 99_999_999 }).map((n) => demoCardNumber(n)),
          fc.stringMatching(/^[0-9]{12}$/).map((b) => `${b}${gtinCheckDigit(b)}`),
          fc.uuid(),
          fc.uuid().map((u) => `r-${u}`),
          fc.date({ min: new Date('1900-01-01'), max: new Date('2999-12-31'), noInvalidDate: true }).map((d) => d.toISOString()),
          fc.stringMatching(/^\+7 9[0-9]{2} [0-9]{3}-[0-9]{2}-[0-9]{2}$/),
          fc.stringMatching(/^[0-9]{1,12}$/),
          fc.stringMatching(/^[A-Za-z0-9_-]{43}$/).filter((k) => !/\d{13}/.test(k)),
        ),
        (value) => {
          expect(holdsCardNumber(value)).toBe(false);
        },
      ),
      { numRuns: 1_000 },
    );
    expect(holdsCardNumber(randomUUID())).toBe(false);
  });

  it('says no for Luhn-failing runs of card length', () => {
    fc.assert(
      fc.property(pan, (p) => {
        const broken = `${p.slice(0, -1)}${(Number(p.at(-1)) + 1) % 10}`;
        // A 13-19 digit run alone, one digit off: only a shorter window inside could pass, and none is 13+ long.
        if (broken.length === 13) expect(holdsCardNumber(`Иван ${broken}`)).toBe(false);
      }),
    );
  });

  it('screens every text of a body, keys too, without recursion, and never names the number', () => {
    expect(screenValue({ a: [{ b: 'ok' }, { c: 'Иван 4111 1111 1111 1111' }] })).toEqual({ code: 'card_number_in_text', path: 'a.1.c' });
    expect(screenValue({ ['4111111111111111']: 1 })).toEqual({ code: 'card_number_in_text', path: '(key)' });
    expect(screenValue({ a: 'x\u0000' })?.code).toBe('invalid_text');
    expect(screenValue({ a: '\ud800' })?.code).toBe('invalid_text');
    expect(screenValue({ a: '\udc00' })?.code).toBe('invalid_text');
    expect(screenValue({ a: '😀 ok' })).toBeNull();
    let deep: unknown = 1;
    for (let i = 0; i < 50_000; i++) deep = [deep];
    expect(screenValue(deep)?.code).toBe('body_too_deep');
    let fine: unknown = 'x';
    for (let i = 0; i < MAX_BODY_DEPTH - 1; i++) fine = { a: fine };
    expect(screenValue(fine)).toBeNull();
  });
});
