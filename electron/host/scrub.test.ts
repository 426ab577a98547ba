import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REDACTED, SECRET, scrubText } from './scrub';

const digit = fc.constantFrom(...'0123456789'.split(''));
const digits = (min: number, max: number) => fc.array(digit, { minLength: min, maxLength: max }).map((d) => d.join(''));

/** Card numbers as they turn up: bare, or in groups of four split by spaces or hyphens. */
const cardNumber = fc.tuple(digits(12, 19), fc.constantFrom('', ' ', '-')).map(([n, sep]) => (sep ? n.replace(/(\d{4})(?=\d)/g, `$1${sep}`) : n));

/** Russian and international phone numbers in the ways people and systems write them. */
const phone = fc.tuple(digits(3, 3), digits(3, 3), digits(2, 2), digits(2, 2), fc.integer({ min: 0, max: 7 })).map(([a, b, c, d, style]) => {
  switch (style) {
    case 0:
      return `+7${a}${b}${c}${d}`;
    case 1:
      return `8${a}${b}${c}${d}`;
    case 2:
      return `8 ${a} ${b}-${c}-${d}`;
    case 3:
      return `+7 (${a}) ${b}-${c}-${d}`;
    case 4:
      return `8 (${a}) ${b} ${c} ${d}`;
    case 5:
      return `${a}${b}${c}${d}`;
    case 6:
      return `+7-${a}-${b}-${c}-${d}`;
    default:
      return `+44 ${a.slice(0, 2)} ${b}${c} ${d}${a.slice(2)}`;
  }
});

const word = fc.constantFrom(
  'scanner',
  'connected',
  'сканер',
  'на',
  'связи',
  'device',
  'error',
  'timeout',
  'Касса',
  'магазин',
  'port',
  '/dev/ttyUSB0',
  'v20.19.4',
  '127.0.0.1:8787',
  'http://127.0.0.1:8787',
  '2025-01-15T10:30:00.123Z',
  'EAN13',
  'ms',
  'ok',
  'API',
  'GET',
  '/api/v1/pull/customers',
);
const shortNumber = digits(1, 6);
/**
 * Ordinary log text: words and short numbers (counts, ports, milliseconds). Digit groups
 * that stand next to each other with only spaces between them are phone-like on purpose,
 * so a number here is tied to its word (retry=400, port 8787).
 */
const ordinary = fc
  .array(fc.tuple(word, fc.option(shortNumber, { nil: undefined }), fc.constantFrom(' ', ', ', ': ', '; ', '. ')), { minLength: 1, maxLength: 12 })
  .map((parts) =>
    parts
      .map(([w, n, sep]) => (n === undefined ? `${w}${sep}` : `${w}=${n}${sep}`))
      .join('')
      .trim(),
  );

/** A number "survives" when its last seven digits still appear in order, whatever stands between them. */
function survives(text: string, secretNumber: string): boolean {
  const tail = secretNumber.replace(/\D/g, '').slice(-7).split('');
  return new RegExp(tail.join('[^0-9]{0,3}')).test(text);
}

describe('log scrubber', () => {
  it('keeps ordinary text as it is', () => {
    fc.assert(
      fc.property(ordinary, (text) => {
        expect(scrubText(text)).toBe(text);
      }),
      { numRuns: 500 },
    );
    expect(scrubText('retry in 400 ms, 12 devices, port 8787, took 1234 ms at 2025-01-15T10:30:00.123Z')).toBe(
      'retry in 400 ms, 12 devices, port 8787, took 1234 ms at 2025-01-15T10:30:00.123Z',
    );
  });

  it('leaves no run of 12 or more digits, and keeps the text around a card number', () => {
    fc.assert(
      fc.property(ordinary, cardNumber, ordinary, (before, card, after) => {
        const out = scrubText(`${before} card: ${card}; ${after}`);
        expect(out).toBe(`${before} card: ${REDACTED}; ${after}`);
        // Timestamps are kept on purpose; no other run of 12+ digits, spaced or not, is left.
        expect(out.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'TIME')).not.toMatch(/\d(?:[ -]?\d){11,}/);
        expect(survives(out, card)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('leaves no phone number, and keeps the text around it', () => {
    fc.assert(
      fc.property(ordinary, phone, ordinary, (before, p, after) => {
        const out = scrubText(`${before} phone: ${p}; ${after}`);
        expect(out).toBe(`${before} phone: ${REDACTED}; ${after}`);
        expect(survives(out, p)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('scrubs numbers anywhere in arbitrary text', () => {
    fc.assert(
      fc.property(fc.string(), fc.oneof(cardNumber, phone), fc.string(), (a, n, b) => {
        const out = scrubText(`${a} ${n} ${b}`);
        expect(survives(out, n)).toBe(false);
        expect(out).not.toMatch(/\d(?:[ -]?\d){11,}/);
      }),
      { numRuns: 500 },
    );
  });

  it('cuts out known secrets, bearer tokens and token=/secret: values', () => {
    const token = 'q3V8x_Zr0lK2pW9aN4bT7cY1dE6fG5hJ8mQ2sU0vX3w';
    expect(scrubText(`sent ${token} to the server`, [token])).toBe(`sent ${SECRET} to the server`);
    expect(scrubText('authorization: Bearer abc.def-ghi')).not.toContain('abc.def-ghi');
    expect(scrubText('{"token":"s3cr3t-value","lookupSecret": "another-one"}')).toBe(`{"token":"${SECRET}","lookupSecret": "${SECRET}"}`);
    expect(scrubText('token=abcdef123 next')).toBe(`token=${SECRET} next`);
    // Words about tokens stay.
    expect(scrubText('no token given; the secret is safe')).toBe('no token given; the secret is safe');
    // Too short to search for verbatim: it would eat ordinary words.
    expect(scrubText('ok then', ['ok'])).toBe('ok then');
  });

  it('keeps what IT needs to read', () => {
    const line =
      'device front-scanner (scanner) disconnected: /dev/serial/by-id/usb-Honeywell_HF600-if00 gone; retry in 400 ms; server http://192.168.100.200:8787 v1';
    expect(scrubText(line)).toBe(line);
  });
});
