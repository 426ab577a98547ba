import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { gtinCheckDigit } from '../../core/luhn';
import { FramingConfig } from '../config';
import { FakeClock } from '../testing/fakeClock';
import { SerialScanDecoder } from './serialScanDecoder';

/**
 * Random byte streams with valid frames in between: every valid frame comes out exactly
 * once, in order, and nothing else does. "Noise" is what a decoder can tell from a scan:
 * a terminated frame that is malformed (control bytes, too short, an EAN with a wrong
 * length or check digit), bytes cut off by a pause and the tail that follows the pause
 * (whatever it looks like), or a burst followed by silence.
 */
const T = 100; // inter-byte timeout
const Q = 1_000; // quiet time that ends a resync

const TERMINATORS = { CR: ['\r', '\r\n'], LF: ['\n', '\r\n'], CRLF: ['\r\n'] } as const;
type Suffix = keyof typeof TERMINATORS;

const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));
const withCheck = (body: string) => body + String(gtinCheckDigit(body));
/** Bytes that never end a frame. */
const anyByte = fc.integer({ min: 0, max: 255 }).filter((x) => x !== 0x0d && x !== 0x0a);
const printable = fc.integer({ min: 0x21, max: 0x7e });
const controlByte = fc.constantFrom(0x00, 0x01, 0x07, 0x08, 0x09, 0x0b, 0x0c, 0x1b, 0x1c, 0x1e, 0x1f, 0x7f);

type Valid = { aim: string; text: string };
const validFrame: fc.Arbitrary<Valid> = fc.oneof(
  digits(12).map((b) => ({ aim: ']E0', text: withCheck(b) })),
  digits(7).map((b) => ({ aim: ']E4', text: withCheck(b) })),
  fc.array(printable, { minLength: 4, maxLength: 30 }).map((c) => ({ aim: ']C0', text: String.fromCharCode(...c) })),
);

type Segment =
  | { kind: 'valid'; frame: Valid; cuts: number[]; gaps: number[] }
  /** `bytes` as sent by a scanner with AIM ids on, `plain` with them off. */
  | { kind: 'junk'; bytes: number[]; plain: number[] }
  | { kind: 'split'; head: number[]; gap: number; tail: number[] }
  | { kind: 'burst'; bytes: number[]; gap: number };

const badEan = fc.oneof(
  fc
    .integer({ min: 1, max: 20 })
    .filter((n) => ![12, 13, 15, 18].includes(n))
    .chain((n) => digits(n)),
  fc.tuple(digits(12), fc.integer({ min: 1, max: 9 })).map(([b, d]) => b + String((gtinCheckDigit(b) + d) % 10)),
);

const junk: fc.Arbitrary<Segment> = fc.oneof(
  // Shorter than the minimum (a stray "}"), or empty.
  fc.array(printable, { maxLength: 3 }).map((bytes) => ({ kind: 'junk' as const, bytes, plain: bytes })),
  // Printable with a control byte somewhere.
  fc
    .tuple(fc.array(anyByte, { maxLength: 40 }), controlByte, fc.array(anyByte, { maxLength: 40 }))
    .map(([pre, bad, post]) => ({ kind: 'junk' as const, bytes: [...pre, bad, ...post], plain: [...pre, bad, ...post] })),
  // An EAN-13 that is not one: noise when the scanner says "]E0"; without AIM ids a digit run this short is too short.
  badEan.map((d) => ({
    kind: 'junk' as const,
    bytes: [...Buffer.from(`]E0${d}`, 'latin1')],
    plain: [...Buffer.from(d.slice(0, 3), 'latin1')],
  })),
);

const segment: fc.Arbitrary<Segment> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('valid' as const),
      frame: validFrame,
      cuts: fc.array(fc.nat(60), { maxLength: 4 }),
      gaps: fc.array(fc.nat(T - 1), { maxLength: 4 }),
    }),
  },
  { weight: 2, arbitrary: junk },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('split' as const),
      head: fc.array(anyByte, { minLength: 1, maxLength: 30 }),
      gap: fc.integer({ min: T, max: T + Q - 1 }),
      // The tail may be anything, a whole valid barcode included.
      tail: fc.oneof(
        fc.array(anyByte, { maxLength: 30 }),
        validFrame.map((v) => [...Buffer.from(v.text, 'latin1')]),
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('burst' as const),
      bytes: fc.array(anyByte, { minLength: 1, maxLength: 100 }),
      gap: fc.integer({ min: T + Q, max: 5 * Q }),
    }),
  },
);

function run(suffix: Suffix, aimIds: boolean, terminatorPick: number, segments: Segment[]) {
  const clock = new FakeClock();
  const scans: string[] = [];
  const diagnostics: Array<[string, string]> = [];
  const d = new SerialScanDecoder(FramingConfig.parse({ suffix, aimIds, interByteTimeoutMs: T, resyncQuietMs: Q, maxFrameLength: 64, minLength: 4 }), clock, {
    scan: (s) => scans.push(s.text),
    diagnostic: (code, message) => diagnostics.push([code, message]),
  });
  const terms = TERMINATORS[suffix];
  const term = () => Buffer.from(terms[terminatorPick % terms.length] ?? '\r', 'latin1');
  const expected: string[] = [];
  let noisy = 0;
  for (const s of segments) {
    switch (s.kind) {
      case 'valid': {
        const bytes = Buffer.concat([Buffer.from((aimIds ? s.frame.aim : '') + s.frame.text, 'latin1'), term()]);
        const points = [...new Set(s.cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        let prev = 0;
        points.forEach((p, i) => {
          d.push(bytes.subarray(prev, p));
          clock.advance(s.gaps[i] ?? 0);
          prev = p;
        });
        d.push(bytes.subarray(prev));
        expected.push(s.frame.text);
        break;
      }
      case 'junk': {
        const bytes = aimIds ? s.bytes : s.plain;
        if (bytes.length > 0) noisy++;
        d.push(Buffer.concat([Uint8Array.from(bytes), term()]));
        break;
      }
      case 'split':
        noisy++;
        d.push(Uint8Array.from(s.head));
        clock.advance(s.gap);
        d.push(Buffer.concat([Uint8Array.from(s.tail), term()]));
        break;
      case 'burst':
        noisy++;
        d.push(Uint8Array.from(s.bytes));
        clock.advance(s.gap);
        break;
    }
    clock.advance(T - 1);
  }
  d.dispose();
  return { scans, expected, diagnostics, noisy };
}

describe('serial scans among noise (property)', () => {
  it('every valid frame comes out exactly once, in order, and no noise comes out as a scan', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Suffix>('CR', 'LF', 'CRLF'),
        fc.boolean(),
        fc.nat(1),
        fc.array(segment, { maxLength: 25 }),
        (suffix, aimIds, terminatorPick, segments) => {
          const { scans, expected, diagnostics, noisy } = run(suffix, aimIds, terminatorPick, segments);
          expect(scans).toEqual(expected);
          // Every kind of noise is reported, by counts and lengths only.
          if (noisy > 0) expect(diagnostics.length).toBeGreaterThan(0);
          for (const [, message] of diagnostics) for (const text of expected) if (/^\d{8,}$/.test(text)) expect(message).not.toContain(text);
        },
      ),
      { numRuns: 300 },
    );
  });
});
