import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SuffixFramer, type FramerOutput, type Suffix } from './suffixFramer';

const b = (s: string) => Buffer.from(s, 'latin1');
const frames = (out: FramerOutput[]) => out.flatMap((o) => (o.kind === 'frame' ? [Buffer.from(o.bytes).toString('latin1')] : []));
const overflows = (out: FramerOutput[]) => out.filter((o) => o.kind === 'overflow').length;

function feed(f: SuffixFramer, ...chunks: string[]): FramerOutput[] {
  return chunks.flatMap((c) => f.push(b(c)));
}

describe('SuffixFramer', () => {
  it('CR: one frame per CR, however the bytes are chunked', () => {
    expect(frames(feed(new SuffixFramer('CR', 64), '4006381333931\r'))).toEqual(['4006381333931']);
    expect(frames(feed(new SuffixFramer('CR', 64), '40063', '81333', '931', '\r'))).toEqual(['4006381333931']);
    expect(frames(feed(new SuffixFramer('CR', 64), 'a\rbc\rdef'))).toEqual(['a', 'bc']);
  });

  it('CR and LF modes also accept CRLF without producing stray frames', () => {
    expect(frames(feed(new SuffixFramer('CR', 64), 'abc\r\ndef\r', '\n'))).toEqual(['abc', 'def']);
    expect(frames(feed(new SuffixFramer('LF', 64), 'abc\r\ndef\n'))).toEqual(['abc', 'def']);
  });

  it('CRLF: only CR LF ends a frame, also when split across chunks', () => {
    expect(frames(feed(new SuffixFramer('CRLF', 64), 'abc\r', '\nx\ry\r\n'))).toEqual(['abc', 'x\ry']);
    expect(frames(feed(new SuffixFramer('CRLF', 64), 'abc\n'))).toEqual([]);
  });

  it('ignores empty frames', () => {
    expect(feed(new SuffixFramer('CR', 64), '\r\r\r')).toEqual([]);
    expect(feed(new SuffixFramer('LF', 64), '\n\r\n')).toEqual([]);
  });

  it('drops an over-long frame once, including its tail, and recovers at the next terminator', () => {
    const f = new SuffixFramer('CR', 8);
    const out = feed(f, '12345678', '9012345\r', 'ok\r');
    expect(overflows(out)).toBe(1);
    expect(frames(out)).toEqual(['ok']);
  });

  it('accepts a frame of exactly the maximum length', () => {
    expect(frames(feed(new SuffixFramer('CR', 8), '12345678\r'))).toEqual(['12345678']);
    expect(frames(feed(new SuffixFramer('LF', 8), '12345678\r\n'))).toEqual(['12345678']);
    expect(frames(feed(new SuffixFramer('CRLF', 8), '12345678\r\n'))).toEqual(['12345678']);
  });

  it('discardPending forgets the frame in progress', () => {
    const f = new SuffixFramer('CR', 64);
    feed(f, '1234');
    expect(f.pending).toBe(4);
    expect(f.discardPending()).toBe(4);
    expect(frames(feed(f, '56\r'))).toEqual(['56']);
  });

  it('skipToTerminator drops everything up to the next terminator and says how much', () => {
    for (const [suffix, t] of [
      ['CR', '\r'],
      ['LF', '\n'],
      ['CRLF', '\r\n'],
    ] as const) {
      const f = new SuffixFramer(suffix, 64);
      feed(f, '4006');
      f.discardPending();
      f.skipToTerminator();
      expect(f.resynchronising).toBe(true);
      const out = feed(f, '381', `333931${t}next${t}`);
      expect(out.filter((o) => o.kind === 'skipped')).toEqual([{ kind: 'skipped', length: 9 }]);
      expect(frames(out)).toEqual(['next']);
      expect(f.resynchronising).toBe(false);
    }
  });

  it('a terminator straight after skipToTerminator ends the skip silently', () => {
    const f = new SuffixFramer('CR', 64);
    f.skipToTerminator();
    const out = feed(f, '\rabc\r');
    expect(out.map((o) => o.kind)).toEqual(['frame']);
    expect(frames(out)).toEqual(['abc']);
  });

  it('endIdleResync ends a skip only while nothing was skipped', () => {
    const f = new SuffixFramer('CR', 64);
    f.skipToTerminator();
    f.endIdleResync();
    expect(frames(feed(f, 'abc\r'))).toEqual(['abc']);
    f.skipToTerminator();
    feed(f, 'x');
    f.endIdleResync();
    expect(f.pending).toBe(1);
    expect(frames(feed(f, 'yz\rok\r'))).toEqual(['ok']);
  });

  const suffixes: Suffix[] = ['CR', 'LF', 'CRLF'];
  const term = { CR: '\r', LF: '\n', CRLF: '\r\n' } as const;

  it('fuzz: random bytes never throw, and frames never exceed the maximum', () => {
    fc.assert(
      fc.property(fc.constantFrom(...suffixes), fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 20 }), (suffix, chunks) => {
        const f = new SuffixFramer(suffix, 16);
        for (const c of chunks) for (const o of f.push(c)) if (o.kind === 'frame' && o.bytes.length > 16) return false;
        return true;
      }),
    );
  });

  it('fuzz: bytes without a terminator never make a frame', () => {
    const noTerminator = fc.uint8Array({ maxLength: 64 }).map((u) => u.filter((x) => x !== 0x0d && x !== 0x0a));
    fc.assert(
      fc.property(fc.constantFrom(...suffixes), fc.array(noTerminator, { maxLength: 20 }), (suffix, chunks) => {
        const f = new SuffixFramer(suffix, 1024);
        return chunks.every((c) => frames(f.push(c)).length === 0);
      }),
    );
  });

  it('fuzz: frames come out as sent, whatever the chunking', () => {
    const segment = fc.string({ unit: fc.constantFrom(...'0123456789ABCxyz]'.split('')), minLength: 1, maxLength: 20 });
    fc.assert(
      fc.property(fc.constantFrom(...suffixes), fc.array(segment, { maxLength: 10 }), fc.array(fc.nat(200), { maxLength: 10 }), (suffix, segs, cuts) => {
        const stream = b(segs.map((s) => s + term[suffix]).join(''));
        const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((x, y) => x - y);
        const f = new SuffixFramer(suffix, 32);
        const out: FramerOutput[] = [];
        let prev = 0;
        for (const p of [...points, stream.length]) {
          out.push(...f.push(stream.subarray(prev, p)));
          prev = p;
        }
        expect(frames(out)).toEqual(segs);
      }),
    );
  });
});
