import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FakeClock } from '../testing/fakeClock';
import { formatWeightLine, type WeightReading } from './weightLine';
import { WeightLineReader } from './weightLineReader';

const b = (s: string) => Buffer.from(s, 'latin1');

function rig() {
  const clock = new FakeClock();
  const readings: WeightReading[] = [];
  const diagnostics: Array<[string, string]> = [];
  const r = new WeightLineReader(clock, { reading: (x) => readings.push(x), diagnostic: (c, m) => diagnostics.push([c, m]) });
  return { clock, r, readings, diagnostics };
}

describe('WeightLineReader', () => {
  it('turns a stream of lines into readings, however it is chunked', () => {
    const { r, readings } = rig();
    r.push(b('US,GS,+001.2'));
    r.push(b('30kg\r\nST,GS,+001.234kg\r\nOL,GS,--------kg\r\n'));
    expect(readings).toEqual([
      { status: 'unstable', net: false, grams: 1230 },
      { status: 'stable', net: false, grams: 1234 },
      { status: 'overload', net: false, grams: null },
    ]);
  });

  it('counts what is not a weight line as noise, without repeating it, and reads on', () => {
    const { r, clock, readings, diagnostics } = rig();
    r.push(b('\x00\xff garbage\r\nST,GS,+002.718lb\r\nST,GS,+0'));
    clock.advance(200);
    r.push(b('01.000kg\r\nST,GS,+000.500kg\r\n'));
    clock.advance(1_000);
    expect(readings).toEqual([{ status: 'stable', net: false, grams: 500 }]);
    expect(diagnostics).toEqual([
      ['noise', 'dropped 1 line as noise (not-a-weight-line)'],
      ['noise', 'dropped 3 lines as noise (unit-not-metric, partial-frame, not-a-weight-line)'],
    ]);
  });

  it('property: every line the scale sends comes out as its reading, in order', () => {
    const reading: fc.Arbitrary<WeightReading> = fc.oneof(
      fc.record({ status: fc.constantFrom('stable' as const, 'unstable' as const), net: fc.boolean(), grams: fc.integer({ min: -99_999, max: 999_999 }) }),
      fc.constant<WeightReading>({ status: 'overload', net: false, grams: null }),
    );
    fc.assert(
      fc.property(fc.array(reading, { maxLength: 20 }), fc.array(fc.nat(400), { maxLength: 8 }), (rs, cuts) => {
        const { r, readings } = rig();
        const stream = b(rs.map(formatWeightLine).join(''));
        let prev = 0;
        for (const p of [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((x, y) => x - y)) {
          r.push(stream.subarray(prev, p));
          prev = p;
        }
        r.push(stream.subarray(prev));
        expect(readings).toEqual(rs);
      }),
    );
  });
});
